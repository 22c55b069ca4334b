// cli.ts -- `pnpm bench [--quick] [--out DIR] [--rounds N] [--filter TEXT]`

import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CACHE_DIR, PACKAGE_ROOT, runBench } from './harness.js';

const USAGE = `usage: pnpm bench [--quick] [--out DIR] [--rounds N] [--filter TEXT]
  --quick        smoke run (< 1 minute): few samples, 32 MiB memcpy passes
  --out DIR      where results.json, results.md and ratios.svg go (default: tools/bench/results,
                 whose full runs also update README.md; with --quick:
                 tools/bench/node_modules/.cache/pmem2-bench/quick-results)
  --rounds N     alternate C-first and JS-first rounds (default: 4, or 1 with --quick)
  --filter TEXT  only rows whose id contains TEXT (e.g. persist.tmpfs.BYTE)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    // pnpm passes the arguments after `--` through as well
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      rounds: { type: 'string' },
      filter: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick === true;
  const rounds = values.rounds === undefined ? (quick ? 1 : 4) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(`--rounds must be a positive integer, not ${values.rounds}`);
  const committedResults = path.join(PACKAGE_ROOT, 'results');
  const outDir = path.resolve(
    values.out ?? (quick ? path.join(CACHE_DIR, 'quick-results') : committedResults),
  );
  // only a full run of every row, into the committed folder, becomes the README's table
  const updateReadme = !quick && values.filter === undefined && outDir === committedResults;
  const outcome = await runBench({
    quick,
    outDir,
    updateReadme,
    rounds,
    filter: values.filter ?? null,
    log: (line) => console.error(line),
  });
  console.log(outcome.report);
  console.log(`Wrote ${outcome.files.markdown}, ${outcome.files.json} and ${outcome.files.svg}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
