// compare.ts -- field-by-field comparison of two outcomes, after masking what may legitimately vary

import type { ConformanceCase, Outcome } from './case.js';

/** One field on which libpmem2 and @pmem2 disagree, both values as canonical JSON. */
export interface FieldDiff {
  readonly field: string;
  readonly c: string;
  readonly ts: string;
}

const TWO_GiB = 2 ** 31;
const POINTER = /0x[0-9a-f]+/g;

/** Replaces pointer values in an errormsg text with `0xPTR` (addresses differ run to run). */
export function maskPointers(text: string): string {
  return text.replace(POINTER, '0xPTR');
}

/**
 * Canonical form of an outcome, one entry per field (arrays: one per element, plus the length):
 * pointers in messages masked, and a 1 GiB-aligned address of a
 * mapping under 2 GiB reported as 2 MiB-aligned (libpmem2 only promises 2 MiB there; 1 GiB
 * happens by chance).
 */
export function normalizeOutcome(o: Outcome): Record<string, string> {
  const fields: Record<string, string> = {};
  const put = (key: string, v: unknown) => {
    fields[key] = JSON.stringify(v, (_k, x) => (typeof x === 'string' ? maskPointers(x) : x));
  };
  for (const [key, value] of Object.entries(o)) {
    if (key === 'id' || value === undefined) continue;
    if (Array.isArray(value)) {
      // one field per element, so a table row shows the one operation that differs
      put(`${key}.length`, value.length);
      for (const [i, element] of value.entries()) put(`${key}[${i}]`, element);
    } else if (key === 'align' && value === '1G' && (o.size ?? 0) < TWO_GiB) {
      put(key, '2M');
    } else {
      put(key, value);
    }
  }
  return fields;
}

/** Every field where the two outcomes differ (a field present on one side only counts). */
export function diffOutcomes(c: Outcome, ts: Outcome): FieldDiff[] {
  const a = normalizeOutcome(c);
  const b = normalizeOutcome(ts);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys
    .filter((k) => a[k] !== b[k])
    .map((field) => ({ field, c: a[field] ?? '(absent)', ts: b[field] ?? '(absent)' }));
}

/** One case's comparison. */
export interface CaseReport {
  readonly testCase: ConformanceCase;
  /** The probe's input line, to replay the C side: `echo '<line>' | probe`. */
  readonly probeLine: string;
  readonly diffs: readonly FieldDiff[];
}

/** A readable table of the differing cases, for a failing test's message. */
export function formatDiffTable(reports: readonly CaseReport[], total: number): string {
  const lines = [`${reports.length} of ${total} cases differ between libpmem2 and @pmem2:`];
  for (const r of reports) {
    lines.push('', `case ${r.testCase.id}`, `  probe input: ${r.probeLine}`);
    const width = Math.max(5, ...r.diffs.map((d) => d.field.length));
    const cWidth = Math.min(60, Math.max(8, ...r.diffs.map((d) => d.c.length)));
    lines.push(`  ${'field'.padEnd(width)}  ${'libpmem2'.padEnd(cWidth)}  @pmem2`);
    for (const d of r.diffs) {
      lines.push(`  ${d.field.padEnd(width)}  ${d.c.padEnd(cWidth)}  ${d.ts}`);
    }
  }
  return lines.join('\n');
}
