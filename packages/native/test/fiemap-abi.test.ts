// fiemap-abi.test.ts -- csrc/fiemap_abi.h's own FIEMAP definitions (the musl build's, which sees no
// kernel headers) have the layout and ioctl number of <linux/fiemap.h>

import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir } from './helpers.js';

const csrc = join(dirname(fileURLToPath(import.meta.url)), '..', 'csrc');
const hasCc = (cc: string) => spawnSync(cc, ['--version']).error === undefined;
const haveGcc = hasCc('gcc');
const haveMusl = hasCc('musl-gcc');
if (!haveGcc) console.warn('SKIPPED: fiemap_abi.h layout — gcc not found');
if (!haveMusl)
  console.warn(
    'SKIPPED: fiemap_abi.h under musl-gcc — musl-gcc not found (apt-get install musl-tools)',
  );

/** Prints every size, offset and constant of the FIEMAP ABI the addon uses. */
const PROGRAM = `#include <stddef.h>
#include <stdio.h>
#include "fiemap_abi.h"
#define F(t, m) printf(#t "." #m " %zu %zu\\n", offsetof(struct t, m), sizeof(((struct t *)0)->m))
int main(void) {
	printf("fiemap %zu fiemap_extent %zu\\n", sizeof(struct fiemap), sizeof(struct fiemap_extent));
	F(fiemap, fm_start); F(fiemap, fm_length); F(fiemap, fm_flags);
	F(fiemap, fm_mapped_extents); F(fiemap, fm_extent_count);
	printf("fiemap.fm_extents %zu\\n", offsetof(struct fiemap, fm_extents));
	F(fiemap_extent, fe_logical); F(fiemap_extent, fe_physical); F(fiemap_extent, fe_length);
	F(fiemap_extent, fe_flags);
	printf("FS_IOC_FIEMAP %lu MAX %llu SYNC %u LAST %u\\n", (unsigned long)FS_IOC_FIEMAP,
		(unsigned long long)FIEMAP_MAX_OFFSET, (unsigned)FIEMAP_FLAG_SYNC,
		(unsigned)FIEMAP_EXTENT_LAST);
	return 0;
}
`;

const { dir, cleanup } = scratchDir(tmpdir());
afterAll(cleanup);
const source = join(dir, 'abi.c');
writeFileSync(source, PROGRAM);

/**
 * The environment of the compilers and programs: no LD_PRELOAD (the ASan run preloads glibc's
 * libasan into every child, which a musl-linked program cannot load).
 */
const { LD_PRELOAD: _preload, ...toolEnv } = process.env;

function layout(cc: string, defines: string[], name: string): string {
  const binary = join(dir, name);
  execFileSync(
    cc,
    ['-std=gnu11', '-Wall', '-Werror', ...defines, `-I${csrc}`, source, '-o', binary],
    { env: toolEnv },
  );
  return execFileSync(binary, { encoding: 'utf8', env: toolEnv });
}

describe('fiemap_abi.h', () => {
  it.runIf(haveGcc)('its own definitions match <linux/fiemap.h> and <linux/fs.h>', () => {
    const kernel = layout('gcc', [], 'kernel');
    expect(kernel).toContain('fiemap 32 fiemap_extent 56');
    expect(layout('gcc', ['-DPMEM2_NATIVE_OWN_FIEMAP'], 'own')).toBe(kernel);
  });

  it.runIf(haveGcc && haveMusl)('musl-gcc (no kernel headers) gets the same layout', () => {
    expect(layout('musl-gcc', [], 'musl')).toBe(layout('gcc', [], 'kernel-for-musl'));
  });
});
