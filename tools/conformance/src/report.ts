// report.ts -- prints what a conformance run accepted as deviations, so nothing is silently ignored

import type { ConformanceResult } from './conformance.js';
import type { Deviation } from './deviations.js';

function deviationOf(name: string, result: ConformanceResult): Deviation | undefined {
  return result.deviated.find((d) => d.deviation.name === name)?.deviation;
}

/** A summary line per applied deviation: its name, how many cases, and what differed. */
export function formatDeviations(result: ConformanceResult): string {
  if (result.deviated.length === 0) return 'no documented deviation applied';
  const byName = new Map<
    string,
    { reason: string; cases: number; accepted: number; fields: Set<string> }
  >();
  for (const { report, deviation } of result.deviated) {
    const entry = byName.get(deviation.name) ?? {
      reason: deviation.reason,
      cases: 0,
      accepted: 0,
      fields: new Set<string>(),
    };
    entry.cases++;
    if (report.diffs.length > 0) entry.accepted++;
    for (const d of report.diffs) entry.fields.add(d.field);
    byName.set(deviation.name, entry);
  }
  const lines = [`documented deviations applied (see tools/conformance/src/deviations.ts):`];
  for (const [name, e] of byName) {
    const what = deviationOf(name, result)?.undefinedInC
      ? 'C not run (undefined behaviour), TypeScript checked against the documented code'
      : `accepted differences in ${e.accepted}: ${[...e.fields].join(', ') || 'none'}`;
    lines.push(`  ${name}: applies to ${e.cases} case(s); ${what}`, `    ${e.reason}`);
  }
  return lines.join('\n');
}
