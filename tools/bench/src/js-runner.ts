// js-runner.ts -- child process: runs the JS cases it gets on stdin with tinybench, prints JSON lines
//
// stdin: {"cases": BenchCase[], "mmapIoDir": string | null, "mmapIoReason": string | null}
// stdout: one RunnerResult per case (the same shape c/bench.c prints).
// The harness starts it with PMEM2_FORCE_GRANULARITY set, as it does the C runner.

import * as fs from 'node:fs';
import { Bench } from 'tinybench';
import { type PreparedOps, prepareOps } from './js-ops.js';
import { loadMmapIo } from './mmap-io-api.js';
import type { JsPeers } from './peers.js';
import { loadPmem2 } from './pmem2-api.js';
import type { BenchCase, RunnerResult } from './types.js';

/** What the harness writes to a JS runner's stdin. */
export interface JsRunnerInput {
  readonly cases: readonly BenchCase[];
  readonly mmapIoDir: string | null;
  readonly mmapIoReason: string | null;
}

function emit(result: RunnerResult): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** The wall time of `n` operations, in ns. */
function timeRun(ops: PreparedOps, n: number): number {
  const t0 = process.hrtime.bigint();
  ops.run(n);
  return Number(process.hrtime.bigint() - t0);
}

/**
 * Doubles a trial batch until it takes an eighth of the target sample time (or reaches the
 * case's batch), times that trial batch once more (the doubling ran the first, interpreted
 * and unoptimized, calls: timing those made the batch a few operations, so that tinybench's
 * own cost per sample weighed on the row), then sizes the batch so that a sample takes about
 * the target time: the same rule as calibrate() in c/bench.c.
 */
function calibrate(c: BenchCase, ops: PreparedOps): number {
  const target = c.targetSampleMs * 1e6;
  let n = 1;
  while (timeRun(ops, n) < target / 8 && n < c.batch) n = Math.min(c.batch, n * 2);
  const took = timeRun(ops, n);
  const perOp = took > 0 ? took / n : 1;
  return Math.max(1, Math.min(c.batch, Math.floor(target / perOp)));
}

/** Times `batch` operations per tinybench iteration; returns the sample times in ns. */
async function measure(c: BenchCase, ops: PreparedOps, batch: number): Promise<number[]> {
  const bench = new Bench({
    iterations: c.samples,
    time: 0,
    warmup: c.warmup > 0,
    warmupIterations: c.warmup,
    warmupTime: 0,
    retainSamples: true,
    throws: true,
    timestampProvider: 'hrtimeNow',
  });
  const afterEach = ops.betweenSamples;
  bench.add(c.id, () => ops.run(batch), afterEach ? { afterEach } : {});
  await bench.run();
  const result = bench.getTask(c.id)?.result;
  if (result === undefined || !('latency' in result) || result.latency.samples === undefined) {
    throw new Error(`tinybench returned no samples (state ${result?.state ?? 'none'})`);
  }
  return result.latency.samples.map((ms) => Math.round(ms * 1e6));
}

async function runCase(c: BenchCase, peers: JsPeers): Promise<RunnerResult> {
  let ops: PreparedOps | { unavailable: string } | undefined;
  try {
    ops = prepareOps(c, peers);
    if ('unavailable' in ops) return { id: c.id, unavailable: ops.unavailable };
    const batch = calibrate(c, ops);
    const samplesNs = await measure(c, ops, batch);
    return { id: c.id, granularity: ops.effectiveGranularity, batch, samplesNs };
  } catch (e) {
    return { id: c.id, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  } finally {
    if (ops !== undefined && !('unavailable' in ops)) ops.close();
  }
}

async function main(): Promise<void> {
  const input = JSON.parse(fs.readFileSync(0, 'utf8')) as JsRunnerInput;
  const needsPmem2 = input.cases.some((c) => c.peer === 'js-pmem2' || c.peer === 'js-buffer-copy');
  const peers: JsPeers = {
    pmem2: needsPmem2 ? await loadPmem2() : 'not needed',
    mmapIo:
      input.mmapIoDir !== null
        ? loadMmapIo(input.mmapIoDir)
        : (input.mmapIoReason ?? 'not installed'),
  };
  for (const c of input.cases) emit(await runCase(c, peers));
}

await main();
