// pmdk-tests-doc.test.ts -- PMDK-TESTS.md only cites tests and matrix cases that exist

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { matrixCases } from '../src/case-table.js';

const PACKAGE_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const REPO_DIR = path.join(PACKAGE_DIR, '..', '..');
const doc = fs.readFileSync(path.join(PACKAGE_DIR, 'PMDK-TESTS.md'), 'utf8');
const MATRIX_GROUPS =
  /^(setters|sources|granularity|protection|ranges|reservations|reservation-ops|order)\//;

/** `pkg/test/[dir/]file.test.ts › name` citations; the name ends at …, ;, |, ( or a backtick. */
function citedTests(): { file: string; name: string }[] {
  const cites = [...doc.matchAll(/([a-z-]+\/test\/[\w./-]+\.test\.ts) › ([^;|(…`\n]+)/g)];
  return cites.map((m) => ({ file: m[1] ?? '', name: (m[2] ?? '').trim() }));
}

/** Backticked matrix case ids, `*` standing for any text. */
function citedCasePatterns(): string[] {
  return [...doc.matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1] ?? '')
    .filter((token) => MATRIX_GROUPS.test(token));
}

describe('PMDK-TESTS.md', () => {
  it('cites test files and test names that exist in packages/*/test or tools/*/test', () => {
    const missing = citedTests().filter(({ file, name }) => {
      const full = ['packages', 'tools']
        .map((dir) => path.join(REPO_DIR, dir, file))
        .find((candidate) => fs.existsSync(candidate));
      return full === undefined || !fs.readFileSync(full, 'utf8').includes(name);
    });
    expect(missing).toEqual([]);
    expect(citedTests().length).toBeGreaterThan(50);
  });

  it('cites matrix case ids that exist in the case table', () => {
    const ids = matrixCases().map((c) => c.id);
    const unmatched = citedCasePatterns().filter((pattern) => {
      const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
      const re = new RegExp(`^${escaped}$`);
      return !ids.some((id) => re.test(id));
    });
    expect(unmatched).toEqual([]);
    expect(citedCasePatterns().length).toBeGreaterThan(30);
  });
});
