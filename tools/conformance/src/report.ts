// report.ts -- prints what a conformance run accepted as deviations, so nothing is silently ignored

import type { ConformanceResult } from './conformance.js';

/** A summary line per applied deviation: its name, how many cases, and what differed. */
export function formatDeviations(result: ConformanceResult): string {
  if (result.deviated.length === 0) return 'no documented deviation applied';
  const byName = new Map<string, { reason: string; cases: number; fields: Set<string> }>();
  for (const { report, deviation } of result.deviated) {
    const entry = byName.get(deviation.name) ?? {
      reason: deviation.reason,
      cases: 0,
      fields: new Set<string>(),
    };
    entry.cases++;
    for (const d of report.diffs) entry.fields.add(d.field);
    byName.set(deviation.name, entry);
  }
  const lines = [`documented deviations applied (see tools/conformance/src/deviations.ts):`];
  for (const [name, e] of byName) {
    const fields = e.fields.size ? [...e.fields].join(', ') : 'C not run (undefined behaviour)';
    lines.push(`  ${name}: ${e.cases} case(s); differing: ${fields}`, `    ${e.reason}`);
  }
  return lines.join('\n');
}
