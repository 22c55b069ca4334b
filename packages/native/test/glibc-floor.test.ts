// glibc-floor.test.ts -- what each linux prebuild asks of the C library at load: the glibc ones no
// symbol version newer than Node 20's floor (2.28, x64 and arm64), the musl ones only musl's libc

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportSkip } from '@pmem2/test-kit';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Node 20's glibc floor on both architectures: its support matrix (BUILDING.md) says glibc >= 2.28
 * for linux-x64 and linux-arm64, and its own arm64 binary needs GLIBC_2.28. 2.17 is only the
 * first glibc that had aarch64 (its base symbol version, and Node <= 16's floor): a prebuild
 * loading on 2.17 would still need a Node that does not run there.
 */
const FLOOR: readonly [number, number] = [2, 28];

/** ELF e_machine values. */
const EM_X86_64 = 62;
const EM_AARCH64 = 183;

/** One prebuild, how it is built and what it must look like. */
interface Prebuild {
  readonly file: string;
  readonly machine: number;
  /** glibc: the base symbol version every libc.so.6 import of that architecture has. */
  readonly glibcBase?: string;
  /** The compiler its build script needs; without it the build printed SKIPPED. */
  readonly compiler: string;
}

const PREBUILDS: readonly Prebuild[] = [
  {
    file: 'prebuilds/linux-x64/@pmem2+native.node',
    machine: EM_X86_64,
    glibcBase: 'GLIBC_2.2.5',
    compiler: 'cc',
  },
  {
    file: 'prebuilds/linux-arm64/@pmem2+native.node',
    machine: EM_AARCH64,
    glibcBase: 'GLIBC_2.17',
    compiler: 'aarch64-linux-gnu-gcc',
  },
  { file: 'prebuilds/linux-x64/@pmem2+native.musl.node', machine: EM_X86_64, compiler: 'musl-gcc' },
  {
    file: 'prebuilds/linux-arm64/@pmem2+native.musl.node',
    machine: EM_AARCH64,
    compiler: 'aarch64-linux-musl-gcc',
  },
];

const onLinuxX64 = process.platform === 'linux' && process.arch === 'x64';
// reportSkip: each of these is a failure in CI (PMEM2_REQUIRE_ORACLE=1), where .ci/run installs
// every compiler and binutils, so a prebuild can never go unchecked there.
if (!onLinuxX64)
  reportSkip(
    'C library needs of the prebuilds',
    'not linux-x64 (the prebuilds are built on x64 only)',
  );

const hasCommand = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const hasObjdump = hasCommand('objdump');
if (onLinuxX64 && !hasObjdump)
  reportSkip('objdump cross-check of the ELF reader', 'objdump not found (binutils)');

/** SHT_DYNAMIC and SHT_GNU_verneed section types, and DT_NEEDED. */
const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NEEDED = 1n;

/** The NUL-terminated string at `offset` of an ELF string table. */
function cString(elf: Buffer, offset: number): string {
  return elf.toString('latin1', offset, elf.indexOf(0, offset));
}

/** What the dynamic loader reads of a little-endian ELF64 shared object. */
interface ElfNeeds {
  readonly machine: number;
  /** DT_NEEDED entries: the shared objects it links against. */
  readonly libraries: string[];
  /** The symbol versions it needs, per library (`.gnu.version_r`). */
  readonly versions: Map<string, string[]>;
}

/**
 * Reads e_machine, the DT_NEEDED entries and the Elf64_Verneed / Elf64_Vernaux chains of a
 * little-endian ELF64 file, as `ld.so` checks them at load.
 */
function readNeeds(path: string): ElfNeeds {
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
      size: Number(elf.readBigUInt64LE(at + 0x20)),
      link: elf.readUInt32LE(at + 0x28),
      info: elf.readUInt32LE(at + 0x2c),
    };
  };
  const libraries: string[] = [];
  const versions = new Map<string, string[]>();
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    const strtab = section(s.link).offset;
    if (s.type === SHT_DYNAMIC) {
      for (let at = s.offset; at + 16 <= s.offset + s.size; at += 16) {
        if (elf.readBigUInt64LE(at) === DT_NEEDED)
          libraries.push(cString(elf, strtab + Number(elf.readBigUInt64LE(at + 8))));
      }
    }
    if (s.type !== SHT_GNU_VERNEED) continue;
    let entry = s.offset;
    for (let n = 0; n < s.info; n++) {
      const count = elf.readUInt16LE(entry + 2);
      const file = cString(elf, strtab + elf.readUInt32LE(entry + 4));
      const names: string[] = [];
      let aux = entry + elf.readUInt32LE(entry + 8);
      for (let a = 0; a < count; a++) {
        names.push(cString(elf, strtab + elf.readUInt32LE(aux + 8)));
        aux += elf.readUInt32LE(aux + 12);
      }
      versions.set(file, names);
      entry += elf.readUInt32LE(entry + 12);
    }
  }
  return { machine: elf.readUInt16LE(0x12), libraries, versions };
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

/** Every GLIBC_* version an object needs. */
function glibcVersions(needs: ElfNeeds): string[] {
  return [...needs.versions.values()].flat().filter((v) => v.startsWith('GLIBC_'));
}

for (const prebuild of PREBUILDS) {
  const path = join(packageRoot, prebuild.file);
  const buildable = onLinuxX64 && hasCommand(prebuild.compiler);
  if (onLinuxX64 && !buildable)
    reportSkip(
      `C library needs of ${prebuild.file}`,
      `${prebuild.compiler} not found, so its build script skipped it`,
    );

  describe.runIf(buildable)(prebuild.file, () => {
    it(`exists (${prebuild.compiler} is here, so \`pnpm build\` must have made it)`, () => {
      expect(existsSync(path)).toBe(true);
    });

    it(`is an ELF for e_machine ${prebuild.machine}`, () => {
      expect(readNeeds(path).machine).toBe(prebuild.machine);
    });

    const base = prebuild.glibcBase;
    if (base === undefined) {
      it("links only musl's libc.so and asks for no GLIBC_* symbol version", () => {
        const needs = readNeeds(path);
        expect(needs.libraries).toEqual(['libc.so']);
        expect(glibcVersions(needs)).toEqual([]);
      });
    } else {
      it(`needs libc.so.6 (${base}) and no GLIBC_x.y newer than 2.28 from any library`, () => {
        const needs = readNeeds(path);
        expect(needs.libraries).toContain('libc.so.6');
        expect(needs.versions.get('libc.so.6')).toContain(base);
        const tooNew = glibcVersions(needs).filter((v) => newer(glibcVersion(v), FLOOR));
        expect(tooNew).toEqual([]);
      });
    }

    // GNU objdump reads foreign ELF files' dynamic symbols too (it is multi-target for that).
    it.runIf(hasObjdump)('reads the same versions as objdump -T', () => {
      const objdump = spawnSync('objdump', ['-T', path], { encoding: 'utf8' });
      expect(objdump.status).toBe(0);
      const fromObjdump = new Set(objdump.stdout.match(/\bGLIBC_[0-9.]+/g));
      const fromReader = new Set(glibcVersions(readNeeds(path)));
      expect([...fromReader].sort()).toEqual([...fromObjdump].sort());
    });
  });
}
