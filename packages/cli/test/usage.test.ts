// usage.test.ts -- command-line mistakes: one line on stderr, exit status 2, never a stack trace

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode, parseSize, USAGE } from '../src/index.js';
import { isOneClearLine, runCli } from './run-cli.js';

describe('pmem2 usage', () => {
  it.each([
    [['frob'], /^pmem2: unknown command "frob"; use "pmem2 info <path>"/],
    [['--bogus'], /^pmem2: unknown option "--bogus"; options come after the command/],
    [['info'], /^pmem2 info: missing <path>/],
    [['map'], /^pmem2 map: missing <path>/],
    [['info', 'a', 'b'], /^pmem2 info: unexpected argument "b"/],
    [['map', 'f', '--offset=-4096'], /^pmem2 map: --offset "-4096" is not a size/],
    [
      ['map', 'f', '--offset', '-4096'],
      /^pmem2 map: --offset needs a value; write --offset=<value>/,
    ],
    [['map', 'f', '--length', '1.5M'], /^pmem2 map: --length "1.5M" is not a size/],
    [
      ['map', 'f', '--granularity', 'word'],
      /^pmem2 map: --granularity "word" is not a granularity/,
    ],
    [['map', 'f', '--granularity'], /^pmem2 map: --granularity needs a value/],
    [['map', 'f', '-g'], /^pmem2 map: --granularity needs a value/],
    [['info', 'f', '--json=yes'], /^pmem2 info: --json takes no value/],
    [
      ['info', 'f', '--bogus'],
      /^pmem2 info: unknown option "--bogus"; the options of pmem2 info are --json /,
    ],
    [
      ['map', 'f', '--bogus'],
      /^pmem2 map: unknown option "--bogus"; the options of pmem2 map are --granularity \(-g\), --offset, /,
    ],
  ])('usage-%j-exit2OneLine', (args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(ExitCode.USAGE);
    expect(run.stdout).toBe('');
    expect(isOneClearLine(run.stderr)).toBe(true);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd()).toMatch(/ \(see pmem2 --help\)$/);
    // one prefix, and quotes that close
    expect(run.stderr).not.toMatch(/^pmem2(?: \w+)?: pmem2/);
    expect((run.stderr.match(/"/g) ?? []).length % 2).toBe(0);
    expect((run.stderr.match(/'/g) ?? []).length % 2).toBe(0);
  });

  it('usage-noArguments-printsUsageOnStderrExit2', () => {
    const run = runCli([]);
    expect(run.status).toBe(ExitCode.USAGE);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`pmem2: no command given\n\n${USAGE}\n`);
  });

  it.each([['--help'], ['-h'], ['help']])('usage-%s-printsUsageOnStdoutExit0', (flag) => {
    const run = runCli([flag]);
    expect(run.status).toBe(ExitCode.OK);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${USAGE}\n`);
  });

  it('usage-version-printsPackageVersion', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(runCli(['--version']).stdout.trim()).toBe(pkg.version);
  });

  it('parseSize-units-powersOf1024Exactly', () => {
    expect(parseSize('0', '--x')).toBe(0n);
    expect(parseSize('0x1000', '--x')).toBe(4096n);
    expect(parseSize('2m', '--x')).toBe(2n << 20n);
    expect(parseSize('3GiB', '--x')).toBe(3n << 30n);
    expect(parseSize('18446744073709551615', '--x')).toBe(2n ** 64n - 1n);
    expect(() => parseSize('4096 ', '--x')).not.toThrow();
    expect(() => parseSize('4k4', '--x')).toThrow(/not a size/);
  });
});
