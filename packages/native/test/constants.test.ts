// constants.test.ts -- the addon's copies of libpmem2's constants match the installed base.h

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIBPMEM2_BASE_H, libpmem2FileOrSkip } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';

const BASE_H = LIBPMEM2_BASE_H;
const haveOracle = libpmem2FileOrSkip(BASE_H, 'constants vs libpmem2 base.h');

const statusH = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '..', 'csrc', 'status.h'),
  'utf8',
);

/** NAME -> value of every `#define NAME (value)` in a header; `(1U << n)` is evaluated. */
function defines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(
    /^#define\s+(PMEM2_\w+)\s+\(?(-?\d+|1U << \d+|0x[0-9A-Fa-f]+U?)\)?\s*$/gm,
  )) {
    const [, name, raw] = m;
    if (!name || !raw) continue;
    const shift = /^1U << (\d+)$/.exec(raw);
    out.set(
      name,
      shift
        ? 2 ** Number(shift[1])
        : Number.parseInt(raw.replace(/U$/, ''), raw.startsWith('0x') ? 16 : 10),
    );
  }
  return out;
}

describe.runIf(haveOracle)('csrc/status.h against libpmem2/base.h', () => {
  it("every constant the addon uses has libpmem2 1.12.1's value", () => {
    const ours = defines(statusH);
    const theirs = defines(readFileSync(BASE_H, 'utf8'));
    expect(ours.size).toBeGreaterThan(15);
    for (const [name, value] of ours) {
      if (name === 'PMEM2_F_MEM_VALID_FLAGS') continue; // an OR expression in base.h
      expect(theirs.get(name), name).toBe(value);
    }
  });
});
