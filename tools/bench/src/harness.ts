// harness.ts -- one run: build the C side, install mmap-io, make the files, run every runner, report

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCBench, type CBench, runCCases, runnerEnv } from './c-runner.js';
import { type BenchFiles, createFiles, removeFiles } from './files.js';
import type { JsRunnerInput } from './js-runner.js';
import { describeMachine, type MachineInfo, sourceRevision } from './machine.js';
import { installMmapIo } from './mmap-io-install.js';
import { FILE_SYSTEMS, fileSizes, GRANULARITIES, planCases } from './plan.js';
import { updateReadmeResults } from './readme.js';
import { fullReport } from './report.js';
import { killRunners, runProcess } from './run-process.js';
import { parseRunnerOutput } from './runner-output.js';
import { ratioOf, summarize } from './stats.js';
import { ratioChart } from './svg.js';
import { checkTargets, type TargetResult } from './targets.js';
import type { BenchCase, FsKind, GranularityMode, Peer, RowResult, RunnerResult } from './types.js';

/** The options of one run (see cli.ts for the flags). */
export interface RunOptions {
  readonly quick: boolean;
  readonly outDir: string;
  /** Also put the report into README.md (full runs into the committed results folder). */
  readonly updateReadme: boolean;
  readonly rounds: number;
  /** Only cases whose id contains this text (for profiling one row), or null for all. */
  readonly filter: string | null;
  readonly log: (line: string) => void;
}

/** Everything a run produced. */
export interface RunOutcome {
  readonly rows: readonly RowResult[];
  readonly targets: readonly TargetResult[];
  readonly machine: MachineInfo;
  readonly report: string;
  readonly files: { readonly json: string; readonly markdown: string; readonly svg: string };
}

/** tools/bench, found from this file (dist/harness.js). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The ignored cache: compiled C benchmark, installed mmap-io, quick-run results. Inside
 * node_modules so that neither git nor Biome looks at it.
 */
export const CACHE_DIR = path.join(PACKAGE_ROOT, 'node_modules', '.cache', 'pmem2-bench');

/** @pmem2/native's CRC-32 (the routine `persistInfo().crc32` names), compiled into log_bench.c
 * for the c-log-hwcrc rows. */
const NATIVE_CRC_SOURCES = ['crc32.c', 'crc32_pclmul.c', 'crc32_armv8.c'].map((f) =>
  path.resolve(PACKAGE_ROOT, '..', '..', 'packages', 'native', 'csrc', f),
);

interface Accumulated {
  nsPerOp: number[];
  batches: number[];
  granularity: string | null;
  error: string | null;
  unavailable: string | null;
}

async function runJsCases(
  cases: readonly BenchCase[],
  granularity: GranularityMode,
  mmapIo: Pick<JsRunnerInput, 'mmapIoDir' | 'mmapIoReason'>,
): Promise<RunnerResult[]> {
  const input: JsRunnerInput = { cases, ...mmapIo };
  const runner = path.join(PACKAGE_ROOT, 'dist', 'js-runner.js');
  const res = await runProcess(
    process.execPath,
    ['--expose-gc', runner],
    JSON.stringify(input),
    runnerEnv(granularity),
  );
  return parseRunnerOutput(res.stdout, cases, `JS runner died (${res.failure ?? 'no output'})`);
}

/**
 * The cases that compare with each other (one workload at one operation length: the C rows and
 * the rows measured against them), so that each unit's C and JS processes run back to back and
 * drift of the shared machine between them stays small.
 */
function comparisonUnits(group: readonly BenchCase[]): BenchCase[][] {
  const units = new Map<string, BenchCase[]>();
  for (const c of group) {
    const key = `${c.workload}.${c.len}`;
    units.set(key, [...(units.get(key) ?? []), c]);
  }
  return [...units.values()];
}

function accumulate(
  acc: Map<string, Accumulated>,
  cases: readonly BenchCase[],
  results: RunnerResult[],
): void {
  const byId = new Map(cases.map((c) => [c.id, c]));
  for (const r of results) {
    const c = byId.get(r.id);
    const a = acc.get(r.id);
    if (c === undefined || a === undefined) continue;
    if ('error' in r) a.error = r.error;
    else if ('unavailable' in r) a.unavailable = r.unavailable;
    else {
      a.granularity = r.granularity;
      a.batches.push(r.batch);
      a.nsPerOp.push(...r.samplesNs.map((ns) => ns / r.batch));
    }
  }
}

function toRows(
  cases: readonly BenchCase[],
  acc: Map<string, Accumulated>,
  skipped: Map<string, string>,
): RowResult[] {
  const base = cases.map((c): RowResult => {
    const a = acc.get(c.id) as Accumulated;
    const skip = skipped.get(c.id);
    const status: RowResult['status'] =
      skip !== undefined
        ? 'skipped'
        : a.unavailable !== null
          ? 'unavailable'
          : a.error !== null
            ? 'error'
            : 'ok';
    const ok = status === 'ok' && a.nsPerOp.length > 0;
    return {
      case: c,
      status: ok ? 'ok' : status === 'ok' ? 'error' : status,
      reason: skip ?? a.unavailable ?? a.error ?? (ok ? null : 'no samples'),
      effectiveGranularity: a.granularity,
      batches: a.batches,
      nsPerOp: a.nsPerOp,
      stats: ok ? summarize(a.nsPerOp, c.metric, c.len) : null,
      ratio: null,
      ratioP10: null,
    };
  });
  const byId = new Map(base.map((r) => [r.case.id, r]));
  return base.map((r) => {
    const b = r.case.baseline === null ? undefined : byId.get(r.case.baseline);
    if (r.status !== 'ok' || b === undefined || b.status !== 'ok') return r;
    return {
      ...r,
      ratio: ratioOf(r.nsPerOp, b.nsPerOp, r.case.metric),
      ratioP10: ratioOf(r.nsPerOp, b.nsPerOp, r.case.metric, 0.1),
    };
  });
}

function writeOutputs(
  outDir: string,
  report: string,
  json: unknown,
  svg: string,
): RunOutcome['files'] {
  fs.mkdirSync(outDir, { recursive: true });
  const files = {
    json: path.join(outDir, 'results.json'),
    markdown: path.join(outDir, 'results.md'),
    svg: path.join(outDir, 'ratios.svg'),
  };
  fs.writeFileSync(files.json, `${JSON.stringify(json, null, 1)}\n`);
  fs.writeFileSync(files.markdown, report);
  fs.writeFileSync(files.svg, svg);
  return files;
}

function rowJson(r: RowResult): Record<string, unknown> {
  const { case: c, stats } = r;
  return {
    id: c.id,
    workload: c.workload,
    peer: c.peer,
    fs: c.fs,
    granularity: c.granularity,
    effectiveGranularity: r.effectiveGranularity,
    label: c.label,
    size: c.size,
    len: c.len,
    flags: c.flags,
    maxBatch: c.batch,
    batches: r.batches,
    targetSampleMs: c.targetSampleMs,
    status: r.status,
    reason: r.reason,
    baseline: c.baseline,
    ratio: r.ratio,
    ratioP10: r.ratioP10,
    ...(stats ?? {}),
    nsPerOp: r.nsPerOp.map((x) => Number(x.toPrecision(6))),
  };
}

/** Runs the whole benchmark once; never throws for a missing peer, only for broken setup. */
export async function runBench(o: RunOptions): Promise<RunOutcome> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString().replace(/\.\d+Z$/, 'Z');
  const cBench = buildCBench(path.join(PACKAGE_ROOT, 'c', 'bench.c'), path.join(CACHE_DIR, 'c'));
  o.log(
    cBench.ok ? `C benchmark: ${cBench.binary}` : `SKIPPED: C libpmem2 rows — ${cBench.reason}`,
  );
  const logSource = path.join(PACKAGE_ROOT, 'c', 'log_bench.c');
  const cLog = buildCBench(logSource, path.join(CACHE_DIR, 'c'), { libs: ['-lpmem2', '-lz'] });
  if (!cLog.ok) o.log(`SKIPPED: C log rows — ${cLog.reason}`);
  const cLogHwCrc = buildCBench(logSource, path.join(CACHE_DIR, 'c'), {
    flags: ['-DNATIVE_CRC'],
    sources: NATIVE_CRC_SOURCES,
  });
  if (!cLogHwCrc.ok) o.log(`SKIPPED: C log rows with @pmem2/native's CRC — ${cLogHwCrc.reason}`);
  const cBinaries: Partial<Record<Peer, CBench>> = { 'c-log': cLog, 'c-log-hwcrc': cLogHwCrc };
  const cBinary = (c: BenchCase) => cBinaries[c.peer] ?? cBench;
  o.log('@riaskov/mmap-io: installing into the cache if needed (npm, compiles from source)…');
  const mmap = installMmapIo(CACHE_DIR);
  o.log(
    mmap.ok ? `@riaskov/mmap-io: ${mmap.dir}` : `SKIPPED: @riaskov/mmap-io rows — ${mmap.reason}`,
  );

  const sizes = fileSizes({ quick: o.quick });
  const made: BenchFiles[] = [];
  const cleanup = (): void => {
    for (const f of made.splice(0)) removeFiles(f);
  };
  const onSignal = (): void => {
    killRunners();
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const files = {} as Record<FsKind, BenchFiles>;
    for (const kind of FILE_SYSTEMS) {
      files[kind] = createFiles(kind, sizes);
      made.push(files[kind]);
    }
    const machine = describeMachine(
      Object.fromEntries(FILE_SYSTEMS.map((k) => [path.dirname(files[k].dir), files[k].fsType])),
    );
    const cases = planCases(files, { quick: o.quick }).filter(
      (c) => o.filter === null || c.id.includes(o.filter),
    );
    const acc = new Map<string, Accumulated>(
      cases.map((c) => [
        c.id,
        { nsPerOp: [], batches: [], granularity: null, error: null, unavailable: null },
      ]),
    );
    const skipped = new Map<string, string>();
    for (const c of cases) {
      const binary = cBinary(c);
      if (!binary.ok && c.peer.startsWith('c-')) skipped.set(c.id, binary.reason);
      if (!mmap.ok && c.peer === 'mmap-io') skipped.set(c.id, mmap.reason);
    }
    const runnable = cases.filter((c) => !skipped.has(c.id));
    // One C process a binary: a log unit has rows of both log_bench.c builds.
    const runC = async (list: readonly BenchCase[], g: GranularityMode) => {
      const out: RunnerResult[] = [];
      for (const binary of new Set(list.map(cBinary))) {
        if (binary.ok)
          out.push(
            ...(await runCCases(
              binary.binary,
              list.filter((c) => cBinary(c) === binary),
              g,
            )),
          );
      }
      return out;
    };
    const mmapInput = mmap.ok
      ? { mmapIoDir: mmap.dir, mmapIoReason: null }
      : { mmapIoDir: null, mmapIoReason: mmap.reason };
    for (let round = 0; round < o.rounds; round++) {
      for (const kind of FILE_SYSTEMS) {
        for (const g of GRANULARITIES) {
          const group = runnable.filter((c) => c.fs === kind && c.granularity === g);
          const seconds = { C: 0, JS: 0 };
          for (const unit of comparisonUnits(group)) {
            const cCases = unit.filter((c) => c.peer.startsWith('c-'));
            const jsCases = unit.filter((c) => !c.peer.startsWith('c-'));
            const steps: Array<['C' | 'JS', readonly BenchCase[], () => Promise<RunnerResult[]>]> =
              [
                ['C', cCases, async () => runC(cCases, g)],
                ['JS', jsCases, () => runJsCases(jsCases, g, mmapInput)],
              ];
            if (round % 2 === 1) steps.reverse();
            for (const [name, list, run] of steps) {
              if (list.length === 0) continue;
              const t0 = Date.now();
              accumulate(acc, list, await run());
              seconds[name] += (Date.now() - t0) / 1000;
            }
          }
          const count = (js: boolean) => group.filter((c) => c.peer.startsWith('c-') !== js).length;
          o.log(
            `round ${round + 1}/${o.rounds} · ${kind} · ${g}: C ${count(false)} rows, ` +
              `${seconds.C.toFixed(1)} s · JS ${count(true)} rows, ${seconds.JS.toFixed(1)} s`,
          );
        }
      }
    }
    const rows = toRows(cases, acc, skipped);
    const targets = checkTargets(rows);
    const seconds = (Date.now() - started) / 1000;
    const meta = {
      mode: o.quick ? 'quick' : 'full',
      startedAt,
      seconds,
      rounds: o.rounds,
      revision: sourceRevision(path.resolve(PACKAGE_ROOT, '..', '..')),
    };
    const report = fullReport(rows, targets, machine, meta);
    const svg = ratioChart(rows, `pmem2 for Node.js vs C libpmem2 — ${meta.mode} run ${startedAt}`);
    const json = { ...meta, machine, rows: rows.map(rowJson), targets };
    const outFiles = writeOutputs(o.outDir, report, json, svg);
    if (o.updateReadme && !updateReadmeResults(path.join(PACKAGE_ROOT, 'README.md'), report)) {
      o.log('README.md has no latest-results markers: not updated');
    }
    return { rows, targets, machine, report, files: outFiles };
  } finally {
    cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}
