// conformance.ts -- runs cases on both sides and sorts them into agreeing, deviating and differing

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConformanceCase, Outcome } from './case.js';
import { type CaseReport, diffOutcomes, type FieldDiff } from './compare.js';
import { type Deviation, deviationFor } from './deviations.js';
import { Fixtures } from './fixtures.js';
import { encodeCase } from './probe-protocol.js';
import { runProbe } from './run-probe.js';
import { runTs } from './run-ts.js';

/** A case whose differences a documented deviation accepts. */
export interface DeviationReport {
  readonly report: CaseReport;
  readonly deviation: Deviation;
}

/** The result of a conformance run. */
export interface ConformanceResult {
  readonly total: number;
  /** Cases with differences no deviation accepts: each one is a bug. */
  readonly differing: CaseReport[];
  /** Cases a deviation applied to, with what it accepted. */
  readonly deviated: DeviationReport[];
}

/**
 * Where the case running through @pmem2/* is written before it runs: if @pmem2 crashes the
 * test process (it runs in-process), this file names the case that did it.
 */
export const BREADCRUMB = path.join(
  path.dirname(path.dirname(fileURLToPath(import.meta.url))),
  '.cache',
  'ts-current-case.txt',
);

function leaveBreadcrumb(c: ConformanceCase): void {
  fs.mkdirSync(path.dirname(BREADCRUMB), { recursive: true });
  fs.writeFileSync(BREADCRUMB, `${encodeCase(c, '<path>')}\n`);
}

/** Cases per probe process and fixture batch (bounds the scratch files alive at once). */
const BATCH = 250;

/** Runs every case through the probe (in batches) and through @pmem2/*, and compares. */
export function runConformance(
  binary: string,
  cases: readonly ConformanceCase[],
): ConformanceResult {
  const result: ConformanceResult = { total: cases.length, differing: [], deviated: [] };
  const fixtures = new Fixtures();
  try {
    for (let start = 0; start < cases.length; start += BATCH) {
      runBatch(binary, cases.slice(start, start + BATCH), fixtures, result);
    }
  } finally {
    fixtures.dispose();
  }
  return result;
}

function runBatch(
  binary: string,
  batch: readonly ConformanceCase[],
  fixtures: Fixtures,
  result: ConformanceResult,
): void {
  const inC = batch.filter((c) => !deviationFor(c)?.undefinedInC);
  const cOutcomes = new Map(runProbe(binary, inC, fixtures).map((o) => [o.id, o]));
  for (const c of batch) {
    leaveBreadcrumb(c);
    const sourcePath = fixtures.prepare(c, 'ts');
    let ts: Outcome;
    try {
      ts = runTs(c, sourcePath);
    } finally {
      fixtures.release(c, sourcePath);
    }
    const deviation = deviationFor(c);
    const report = compareCase(c, cOutcomes.get(c.id), ts, deviation);
    if (report.diffs.length > 0) result.differing.push(report);
    if (deviation) {
      result.deviated.push({
        report: acceptedBy(c, cOutcomes.get(c.id), ts, deviation),
        deviation,
      });
    }
  }
}

/** Whether a deviation accepts a difference in a field (`rsvOps` covers `rsvOps[2]` too). */
function accepts(deviation: Deviation | undefined, field: string): boolean {
  const base = field.replace(/(\[\d+\]|\.length)$/, '');
  return deviation?.fields?.includes(base) ?? false;
}

function compareCase(
  c: ConformanceCase,
  cOut: Outcome | undefined,
  ts: Outcome,
  deviation: Deviation | undefined,
): CaseReport {
  const probeLine = encodeCase(c, '<path>');
  if (deviation?.undefinedInC) {
    const want = deviation.undefinedInC.expectMapRet;
    const diffs: FieldDiff[] =
      ts.map?.ret === want
        ? []
        : [
            {
              field: 'map.ret',
              c: `${want} (documented; C is undefined here)`,
              ts: `${ts.map?.ret}`,
            },
          ];
    return { testCase: c, probeLine, diffs };
  }
  if (!cOut) throw new Error(`the probe gave no outcome for case ${c.id}`);
  return {
    testCase: c,
    probeLine,
    diffs: diffOutcomes(cOut, ts).filter((d) => !accepts(deviation, d.field)),
  };
}

/** The differences a deviation accepted on a case (none recorded when C was not run). */
function acceptedBy(
  c: ConformanceCase,
  cOut: Outcome | undefined,
  ts: Outcome,
  deviation: Deviation,
): CaseReport {
  const probeLine = encodeCase(c, '<path>');
  const diffs = cOut ? diffOutcomes(cOut, ts).filter((d) => accepts(deviation, d.field)) : [];
  return { testCase: c, probeLine, diffs };
}
