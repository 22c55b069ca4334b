// usage.test.ts -- command-line mistakes: one line on stderr, exit status 2, never a stack trace

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ExitCode, parseSize, USAGE } from '../src/index.js';
import { isOneClearLine, runCli } from './run-cli.js';

describe('pmem2 usage', () => {
  it.each([
    [['frob'], /unknown command "frob"/],
    [['info'], /pmem2 info: missing <path>/],
    [['map'], /pmem2 map: missing <path>/],
    [['info', 'a', 'b'], /unexpected argument "b"/],
    [['map', 'f', '--offset=-4096'], /--offset "-4096" is not a size/],
    [['map', 'f', '--offset', '-4096'], /Option '--offset' argument is ambiguous/],
    [['map', 'f', '--length', '1.5M'], /--length "1.5M" is not a size/],
    [['map', 'f', '--granularity', 'word'], /--granularity "word" is not a granularity/],
    [['map', 'f', '--granularity'], /--granularity/],
    [['info', 'f', '--frobnicate'], /--frobnicate/],
  ])('usage-%j-exit2OneLine', (args, message) => {
    const run = runCli(args);
    expect(run.status).toBe(ExitCode.USAGE);
    expect(run.stdout).toBe('');
    expect(isOneClearLine(run.stderr)).toBe(true);
    expect(run.stderr).toMatch(message);
  });

  it('usage-noArguments-printsHelpExit0', () => {
    const run = runCli([]);
    expect(run.status).toBe(0);
    expect(run.stdout.trimEnd()).toBe(USAGE);
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
