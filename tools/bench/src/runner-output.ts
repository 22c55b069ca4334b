// runner-output.ts -- reads the JSON lines a C or JS runner prints, one per case

import type { BenchCase, RunnerResult } from './types.js';

function isRunnerResult(value: unknown): value is RunnerResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string') return false;
  if (typeof v.error === 'string' || typeof v.unavailable === 'string') return true;
  return (
    typeof v.granularity === 'string' &&
    typeof v.batch === 'number' &&
    v.batch > 0 &&
    Array.isArray(v.samplesNs) &&
    v.samplesNs.every((x) => typeof x === 'number' && Number.isFinite(x))
  );
}

/**
 * Matches a runner's output lines to its cases. Lines that are not results (a library's
 * own chatter) are ignored; a case without a line gets `missing` as its error.
 */
export function parseRunnerOutput(
  stdout: string,
  cases: readonly BenchCase[],
  missing: string,
): RunnerResult[] {
  const byId = new Map<string, RunnerResult>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isRunnerResult(parsed)) byId.set(parsed.id, parsed);
    } catch {
      // not one of ours
    }
  }
  return cases.map((c) => byId.get(c.id) ?? { id: c.id, error: missing });
}
