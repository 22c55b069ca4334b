// guide.test.ts -- the guide's C ↔ TypeScript table names every libpmem2 function

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIBPMEM2_BASE_H, libpmem2FileOrSkip } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';

const docsDir = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(join(docsDir, 'guide.md'), 'utf8');
const tableSection = guide.slice(
  guide.indexOf('## C ↔ TypeScript names'),
  guide.indexOf('## Errors'),
);
const HEADER_DIR = dirname(LIBPMEM2_BASE_H);
const haveHeaders = libpmem2FileOrSkip(LIBPMEM2_BASE_H, 'guide name table vs libpmem2 headers');

/** `pmem2_*` names in backticks in the table, with `_last`-style suffix shorthands expanded. */
function namesInTable(): Set<string> {
  const names = new Set<string>();
  for (const row of tableSection.split('\n').filter((l) => l.startsWith('| `pmem2_'))) {
    const cell = row.split('|')[1] ?? '';
    let base = '';
    for (const [, name] of cell.matchAll(/`([a-z0-9_]+)`/g)) {
      if (name?.startsWith('pmem2_')) {
        names.add(name);
        base = name;
      } else if (name?.startsWith('_')) {
        names.add(base.replace(/_[a-z]+$/, name));
      }
    }
  }
  return names;
}

function functionsInHeaders(): string[] {
  const found = new Set<string>();
  for (const file of [
    ...readdirSync(HEADER_DIR).map((f) => join(HEADER_DIR, f)),
    '/usr/include/libpmem2.h',
  ]) {
    const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    for (const [, name] of code.matchAll(/\b(pmem2_[a-z0-9_]+)\s*\(/g)) {
      if (name !== undefined && !name.endsWith('_impl')) found.add(name);
    }
  }
  return [...found].sort();
}

function seeTagsInSources(): string[] {
  const packagesDir = join(docsDir, '..', 'packages');
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const [, line] of readFileSync(path, 'utf8').matchAll(/@see libpmem2: ([^\n]*)/g)) {
          for (const [, name] of (line ?? '').matchAll(/\b(pmem2_[a-z0-9_]+)\(3\)/g)) {
            if (name !== undefined) found.add(name);
          }
        }
      }
    }
  };
  for (const pkg of readdirSync(packagesDir)) {
    if (existsSync(join(packagesDir, pkg, 'src'))) walk(join(packagesDir, pkg, 'src'));
  }
  return [...found].sort();
}

describe('guide', () => {
  it.runIf(haveHeaders)('nameTable-everyHeaderFunction-listed', () => {
    const table = namesInTable();
    expect(functionsInHeaders().filter((name) => !table.has(name))).toEqual([]);
  });

  it('nameTable-everyCFunctionCitedInTsdoc-listed', () => {
    const table = namesInTable();
    expect(seeTagsInSources().filter((name) => !table.has(name))).toEqual([]);
  });

  it('guide-performanceSection-pointsAtTheBenchmark', () => {
    expect(guide).toContain('(../tools/bench/README.md)');
  });
});
