// main.ts -- the demo: a crash-safe append-only log (@pmem2/log on @pmem2/map), crash-tested and timed
//
//   node dist/main.js [path] [--records N=1000] [--kill-after N=records/2] [--bench-records N=500]
//
// Without a path the log lives in a new directory under os.tmpdir(), removed at the end.
// With a path (e.g. a file on a DAX file system) the log is created there and kept.
// Exit status: 0 when recovery found every acknowledged record intact, 1 when it did not,
// 2 for a bad command line or a path the demo refuses to overwrite.

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type FileInfo, GRANULARITY_NAMES, inspectFile } from '@pmem2/cli';
import { isPmem2Error } from '@pmem2/errors';
import { isLogError, LinearLog } from '@pmem2/log';
import { runCrashTest } from './crash-test.js';
import { DEFAULT_RECORD_SIZE } from './records.js';
import { measureFsync, measureLog, type Throughput } from './throughput.js';

const USAGE = 'usage: pmem2-demo [path] [--records N] [--kill-after N] [--bench-records N]';
const RECORD_SIZE = DEFAULT_RECORD_SIZE;

class DemoUsageError extends Error {}

function positiveInteger(text: string | undefined, option: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new DemoUsageError(`${option} ${JSON.stringify(text)} must be a positive integer`);
  }
  return Number(text);
}

function parseCommandLine() {
  let parsed: ReturnType<
    typeof parseArgs<{
      options: {
        records: { type: 'string' };
        'kill-after': { type: 'string' };
        'bench-records': { type: 'string' };
        help: { type: 'boolean'; short: 'h' };
      };
      allowPositionals: true;
    }>
  >;
  try {
    // `pnpm start -- …` passes the `--` through; it separates nothing here.
    const args = process.argv.slice(2).filter((arg, i) => !(i === 0 && arg === '--'));
    parsed = parseArgs({
      args,
      options: {
        records: { type: 'string' },
        'kill-after': { type: 'string' },
        'bench-records': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
  } catch (error) {
    throw new DemoUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    console.log(USAGE);
    process.exit(0);
  }
  if (positionals.length > 1) throw new DemoUsageError(`unexpected argument ${positionals[1]}`);
  const records = positiveInteger(values.records, '--records', 1000);
  const killAfter = positiveInteger(values['kill-after'], '--kill-after', Math.ceil(records / 2));
  if (killAfter > records) throw new DemoUsageError('--kill-after must not exceed --records');
  const benchRecords = positiveInteger(values['bench-records'], '--bench-records', 500);
  return { path: positionals[0], records, killAfter, benchRecords };
}

/** Removes `path` if it is empty or a log; refuses (throws) to overwrite anything else. */
function clearForNewLog(path: string): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  let isLog = false;
  if (stat.isFile() && stat.size > 0) {
    try {
      LinearLog.open(path).close();
      isLog = true;
    } catch (error) {
      if (!isLogError(error)) throw error;
    }
  }
  if (!stat.isFile() || (stat.size > 0 && !isLog)) {
    throw new DemoUsageError(
      `refusing to overwrite ${path}: it is not an empty file or a @pmem2/log log; give a new path`,
    );
  }
  rmSync(path);
}

const row = (label: string, value: string): string => `  ${label.padEnd(13)} ${value}`;

/** The log mapping's granularity, with the reason `pmem2 info` found for the same file. */
function describeGranularity(info: FileInfo, logGranularity: string): string[] {
  const g = info.granularity;
  if (g === null) return [row('granularity', info.granularityUnavailable ?? 'unknown')];
  const force = process.env.PMEM2_FORCE_GRANULARITY;
  const reason =
    g.effective === logGranularity
      ? g.reason
      : `differs from the read-only probe (${g.effective}: ${g.reason})`;
  return [
    row('granularity', `${logGranularity}: ${reason}`),
    row(
      '',
      `MAP_SYNC ${g.mapSync ? 'taken' : 'not taken'}, eADR ${info.eADR ? 'yes' : 'no'}, ` +
        `PMEM2_FORCE_GRANULARITY${force === undefined ? ' not set' : `=${force}${g.forced ? '' : ' (ignored: invalid)'}`}`,
    ),
    ...(g.forced && g.effective !== g.detected
      ? [row('', `warning: persist now acts for ${g.effective}, not for what the hardware needs`)]
      : []),
  ];
}

function rate(t: Throughput): string {
  const perSecond = t.records / t.seconds;
  const micros = (t.seconds * 1e6) / t.records;
  return `${Math.round(perSecond).toLocaleString('en-US')} records/s (${micros.toFixed(1)} µs per record)`;
}

async function run(): Promise<number> {
  const options = parseCommandLine();
  const scratch = options.path === undefined ? mkdtempSync(join(tmpdir(), 'pmem2-demo-')) : null;
  const path = resolve(options.path ?? join(scratch ?? '.', 'log'));
  const benchPath = join(scratch ?? dirname(path), `.pmem2-demo-bench-${process.pid}`);
  try {
    clearForNewLog(path);
    const log = LinearLog.create(path);
    const logGranularity = GRANULARITY_NAMES[log.storeGranularity];
    log.close();
    const info = inspectFile(path);
    console.log('pmem2 demo: a crash-safe append-only log, @pmem2/log on @pmem2/map\n');
    console.log(row('log file', `${path} (${scratch ? 'temporary' : 'kept after the run'})`));
    console.log(row('source', `${info.type}, ${info.size} bytes, alignment ${info.alignment}`));
    for (const line of describeGranularity(info, logGranularity)) console.log(line);
    console.log(
      row(
        'flush',
        `${info.cpu.flush}; copies: ${info.cpu.memcpy}, non-temporal from ${info.cpu.movntThreshold} bytes`,
      ),
    );

    console.log(
      `\ncrash test: a writer child appends ${options.records} records of ${RECORD_SIZE} bytes ` +
        `(append, then commit: one persist for the record and its checksummed commit record); ` +
        `SIGKILL once ${options.killAfter} are acknowledged`,
    );
    const crash = await runCrashTest(path, options.records, options.killAfter, RECORD_SIZE);
    const { recovery } = crash;
    console.log(
      row(
        'writer',
        crash.signal !== null
          ? `killed by ${crash.signal}`
          : crash.exitCode === 0
            ? 'finished all records before the kill'
            : `failed on its own (exit code ${crash.exitCode}): see its error above`,
      ),
    );
    console.log(row('acknowledged', String(crash.acknowledged)));
    console.log(
      row(
        'recovered',
        `${recovery.committed} (committed records), ${recovery.committed - recovery.corrupt.length} verified (sequence + payload)`,
      ),
    );
    for (const bad of recovery.corrupt.slice(0, 5)) {
      console.log(row('', `record ${bad.index}: ${bad.problem}`));
    }
    const correct =
      recovery.corrupt.length === 0 &&
      recovery.committed >= crash.acknowledged &&
      recovery.committed <= options.records &&
      (crash.signal === 'SIGKILL' || crash.exitCode === 0);
    console.log(
      row(
        'result',
        correct
          ? 'OK: every acknowledged record was recovered intact, in order'
          : 'FAILED: recovery lost or damaged acknowledged records',
      ),
    );
    console.log(
      row(
        'note',
        'SIGKILL ends the process, not the kernel: the page cache survives it. Surviving a\n' +
          '                power loss also needs the commit protocol: a group counts only once its checksum verifies.',
      ),
    );

    console.log(
      `\nthroughput: ${options.benchRecords} records of ${RECORD_SIZE} bytes, each committed before the next, same file system`,
    );
    const pmem2 = measureLog(benchPath, options.benchRecords, RECORD_SIZE);
    const fsync = measureFsync(benchPath, options.benchRecords, RECORD_SIZE);
    console.log(row('@pmem2/log', `${rate(pmem2)}  append + commit (one persist) a record`));
    console.log(row('fs', `${rate(fsync)}  writeSync + fdatasyncSync a record`));
    console.log(
      row(
        'ratio',
        `@pmem2/log is ${(fsync.seconds / pmem2.seconds).toFixed(2)}x the speed of fs here`,
      ),
    );
    return correct ? 0 : 1;
  } finally {
    rmSync(benchPath, { force: true });
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true });
  }
}

run().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof DemoUsageError) {
      console.error(`pmem2-demo: ${error.message}\n${USAGE}`);
      process.exitCode = 2;
    } else if (isPmem2Error(error)) {
      console.error(`pmem2-demo: ${error.message} [${error.code}, errno ${error.errno}]`);
      process.exitCode = 1;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  },
);
