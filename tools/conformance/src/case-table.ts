// case-table.ts -- the declarative case matrix: axes per topic (case-axes.ts), crossed into
// named cases by the groups of cases-setup.ts, cases-map.ts, cases-reservation.ts, cases-mem.ts

import * as fs from 'node:fs';
import type { ConformanceCase } from './case.js';
import type { CaseGroup } from './case-axes.js';
import { granularityMatrix, protectionMatrix, rangeMatrix } from './cases-map.js';
import { memFunctions, orderOfChecks } from './cases-mem.js';
import { reservationMatrix, reservationOps } from './cases-reservation.js';
import { setterErrors, sourceErrors } from './cases-setup.js';

export type { CaseGroup } from './case-axes.js';

/** The whole matrix, by topic. */
export const CASE_GROUPS: readonly CaseGroup[] = [
  setterErrors,
  sourceErrors,
  granularityMatrix,
  protectionMatrix,
  rangeMatrix,
  reservationMatrix,
  reservationOps,
  memFunctions,
  orderOfChecks,
];

/** Every case of the matrix, in table order. */
export function matrixCases(): ConformanceCase[] {
  return CASE_GROUPS.flatMap((g) => g.cases);
}

/** Whether this machine has what the case needs (the sysfs/procfs files of `existing` sources). */
export function caseRunsHere(c: ConformanceCase): boolean {
  return c.source.kind !== 'existing' || fs.existsSync(c.source.path);
}
