// readme.ts -- puts the latest full run's report into tools/bench/README.md between two markers

import * as fs from 'node:fs';

export const RESULTS_START = '<!-- latest-results:start (written by pnpm bench; do not edit) -->';
export const RESULTS_END = '<!-- latest-results:end -->';

/**
 * Replaces the text between the markers with `report`. Returns false (and changes nothing)
 * when the README or a marker is missing.
 */
export function updateReadmeResults(readmePath: string, report: string): boolean {
  if (!fs.existsSync(readmePath)) return false;
  const text = fs.readFileSync(readmePath, 'utf8');
  const start = text.indexOf(RESULTS_START);
  const end = text.indexOf(RESULTS_END);
  if (start < 0 || end < start) return false;
  const before = text.slice(0, start + RESULTS_START.length);
  const after = text.slice(end);
  fs.writeFileSync(readmePath, `${before}\n\n${report.trim()}\n\n${after}`);
  return true;
}
