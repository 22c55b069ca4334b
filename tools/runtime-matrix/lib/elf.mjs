// elf.mjs -- what a built addon links against, read with readelf/objdump, and the checks on it
import { run } from './exec.mjs';

/** Shared objects a musl addon may need: musl's libc under either of its names. */
const MUSL_LIBC = new Set(['libc.so', 'libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1']);

/** readelf's machine name per architecture. */
const MACHINES = { x64: 'X86-64', arm64: 'AArch64' };

/** Shared objects an arm64 glibc addon may need: glibc's own libraries, nothing else. */
const GLIBC_ARM64 = new Set(['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'ld-linux-aarch64.so.1']);

/** Parses `readelf -h -d -V` output into machine, NEEDED entries and required glibc versions. */
export function parseReadelf(text) {
  const machine = /^\s*Machine:\s+(.+)$/m.exec(text)?.[1].trim() ?? 'unknown';
  const needed = [...text.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
  const glibc = [...new Set([...text.matchAll(/Name: (GLIBC_[0-9.]+)/g)].map((m) => m[1]))];
  glibc.sort((a, b) => compareVersions(a.slice(6), b.slice(6)));
  return { machine, needed, glibc };
}

/** Numeric comparison of dotted versions ("2.17" < "2.34"). */
export function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Counts the cache-maintenance and barrier instructions of an AArch64 disassembly. */
export function countArm64FlushInstructions(disassembly) {
  const count = (re) => (disassembly.match(re) ?? []).length;
  return {
    'dc cvap': count(/\bdc\s+cvap\b/g),
    'dc cvac': count(/\bdc\s+cvac\b/g),
    'dc civac': count(/\bdc\s+civac\b/g),
    'dmb ishst': count(/\bdmb\s+ishst\b/g),
  };
}

/** readelf facts about `file`. */
export async function inspectElf(file) {
  const { code, output } = await run('readelf', ['-h', '-d', '-V', '-W', file]);
  if (code !== 0) throw new Error(`readelf ${file} failed: ${output.trim()}`);
  return parseReadelf(output);
}

/**
 * The `dc cvap`/`dc cvac` flush loops and the `dmb ishst` drain in an AArch64 addon's
 * disassembly. Resolves to `{ problems, shown }` (shown: the counts, e.g. "dc cvap×1 ...").
 */
async function arm64FlushPath(file, objdump) {
  const dis = await run(objdump, ['-d', '--no-show-raw-insn', file]);
  const flush = countArm64FlushInstructions(dis.output);
  const problems = [];
  if (flush['dc cvap'] + flush['dc cvac'] + flush['dc civac'] === 0) {
    problems.push('no dc cvap/cvac/civac instruction: the arm64 cache flush path is missing');
  }
  if (flush['dmb ishst'] === 0) problems.push("no dmb ishst (libpmem2's aarch64 drain)");
  const shown = Object.entries(flush)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${op}×${n}`)
    .join(' ');
  return { problems, shown };
}

/**
 * Checks an arm64 glibc prebuild: an AArch64 ELF that needs only glibc, with the arm64 flush
 * path compiled in. Resolves to `{ ok, detail, problems }`.
 */
export async function checkArm64Prebuild(file, objdump) {
  const elf = await inspectElf(file);
  const problems = [];
  if (!/AArch64/.test(elf.machine)) problems.push(`machine is ${elf.machine}, not AArch64`);
  const foreign = elf.needed.filter((n) => !GLIBC_ARM64.has(n));
  if (foreign.length) problems.push(`needs ${foreign.join(', ')} beyond glibc`);
  const flush = await arm64FlushPath(file, objdump);
  problems.push(...flush.problems);
  const detail = `${elf.machine}; needs ${elf.needed.join(' ')}${elf.glibc.length ? ` (${elf.glibc.at(-1)})` : ''}; ${flush.shown}`;
  return { ok: problems.length === 0, detail, problems };
}

/**
 * Checks a musl prebuild for `arch` (x64, arm64): an ELF for that machine whose only NEEDED
 * entry is musl's libc and that asks for no GLIBC_* symbol version; on arm64 also the flush
 * path (`objdump`: the aarch64 objdump). Resolves to `{ ok, detail, problems }`.
 */
export async function checkMuslPrebuild(file, { arch = 'x64', objdump } = {}) {
  const elf = await inspectElf(file);
  const problems = [];
  const machine = MACHINES[arch];
  if (!elf.machine.includes(machine)) problems.push(`machine is ${elf.machine}, not ${machine}`);
  const foreign = elf.needed.filter((n) => !MUSL_LIBC.has(n));
  if (foreign.length) problems.push(`needs ${foreign.join(', ')}, not only musl's libc`);
  if (elf.needed.length === 0) problems.push('needs no libc at all (not linked against musl?)');
  if (elf.glibc.length) problems.push(`asks for glibc symbol versions ${elf.glibc.join(' ')}`);
  const flush = arch === 'arm64' ? await arm64FlushPath(file, objdump) : undefined;
  if (flush) problems.push(...flush.problems);
  const detail = `${arch === 'x64' ? '' : `${elf.machine}; `}needs only ${elf.needed.join(' ')}, no GLIBC_* versions${flush ? `; ${flush.shown}` : ''}`;
  return {
    ok: problems.length === 0,
    detail: problems.length ? problems.join('; ') : detail,
    problems,
  };
}

/** The glibc x64 prebuild's facts, for the matrix header (oldest glibc it can load on). */
export async function describeGlibcPrebuild(file) {
  const elf = await inspectElf(file);
  return `${elf.machine}; needs ${elf.needed.join(' ')}; newest symbol version ${elf.glibc.at(-1) ?? 'none'}`;
}
