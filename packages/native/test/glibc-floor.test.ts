// glibc-floor.test.ts -- the x64 glibc prebuild needs no glibc symbol version newer than Node 20's floor, 2.28

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const prebuild = join(packageRoot, 'prebuilds/linux-x64/@pmem2+native.node');

/** Node 20's glibc floor (its own linux-x64 builds need glibc 2.28). */
const FLOOR: readonly [number, number] = [2, 28];

const header = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } };
const onGlibcX64 =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  header.header?.glibcVersionRuntime !== undefined;
if (!onGlibcX64)
  console.warn(
    'SKIPPED: glibc symbol version floor of the prebuild — not linux-x64 with glibc (the prebuild is built on x64 glibc only)',
  );

const hasObjdump = spawnSync('objdump', ['--version']).status === 0;
if (onGlibcX64 && !hasObjdump)
  console.warn('SKIPPED: objdump cross-check of the ELF reader — objdump not found (binutils)');

/** SHT_GNU_verneed: the section of the versions a shared object needs from each library. */
const SHT_GNU_VERNEED = 0x6ffffffe;

/** The NUL-terminated string at `offset` of an ELF string table. */
function cString(elf: Buffer, offset: number): string {
  return elf.toString('latin1', offset, elf.indexOf(0, offset));
}

/**
 * The symbol versions a little-endian ELF64 shared object needs, per library, read from its
 * `.gnu.version_r` (Elf64_Verneed / Elf64_Vernaux chains), as `ld.so` checks them at load.
 */
function neededVersions(path: string): Map<string, string[]> {
  const elf = readFileSync(path);
  if (elf.toString('latin1', 0, 4) !== '\x7fELF' || elf[4] !== 2 || elf[5] !== 1)
    throw new Error(`${path} is not a little-endian ELF64 file`);
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const section = (i: number) => {
    const at = shoff + i * shentsize;
    return {
      type: elf.readUInt32LE(at + 4),
      offset: Number(elf.readBigUInt64LE(at + 0x18)),
      link: elf.readUInt32LE(at + 0x28),
      info: elf.readUInt32LE(at + 0x2c),
    };
  };
  const needed = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const verneed = section(i);
    if (verneed.type !== SHT_GNU_VERNEED) continue;
    const strtab = section(verneed.link).offset;
    let entry = verneed.offset;
    for (let n = 0; n < verneed.info; n++) {
      const count = elf.readUInt16LE(entry + 2);
      const file = cString(elf, strtab + elf.readUInt32LE(entry + 4));
      const versions: string[] = [];
      let aux = entry + elf.readUInt32LE(entry + 8);
      for (let a = 0; a < count; a++) {
        versions.push(cString(elf, strtab + elf.readUInt32LE(aux + 8)));
        aux += elf.readUInt32LE(aux + 12);
      }
      needed.set(file, versions);
      entry += elf.readUInt32LE(entry + 12);
    }
  }
  return needed;
}

/** [major, minor] of a `GLIBC_x.y[.z]` version name. */
function glibcVersion(name: string): [number, number] {
  const [major = 0, minor = 0] = name.slice('GLIBC_'.length).split('.').map(Number);
  return [major, minor];
}

/** True when version a is newer than b. */
function newer(a: readonly [number, number], b: readonly [number, number]): boolean {
  return a[0] > b[0] || (a[0] === b[0] && a[1] > b[1]);
}

describe.runIf(onGlibcX64)('glibc floor of prebuilds/linux-x64/@pmem2+native.node', () => {
  it('exists (run `pnpm build` first)', () => {
    expect(existsSync(prebuild)).toBe(true);
  });

  it('needs libc.so.6 and no GLIBC_x.y newer than 2.28 from any library', () => {
    const needed = neededVersions(prebuild);
    expect(needed.get('libc.so.6')).toContain('GLIBC_2.2.5');
    const glibc = [...needed.values()].flat().filter((v) => v.startsWith('GLIBC_'));
    const tooNew = glibc.filter((v) => newer(glibcVersion(v), FLOOR));
    expect(tooNew).toEqual([]);
  });

  it.runIf(hasObjdump)('reads the same versions as objdump -T', () => {
    const objdump = spawnSync('objdump', ['-T', prebuild], { encoding: 'utf8' });
    expect(objdump.status).toBe(0);
    const fromObjdump = new Set(objdump.stdout.match(/\bGLIBC_[0-9.]+/g));
    const fromReader = new Set(
      [...neededVersions(prebuild).values()].flat().filter((v) => v.startsWith('GLIBC_')),
    );
    expect([...fromReader].sort()).toEqual([...fromObjdump].sort());
  });
});
