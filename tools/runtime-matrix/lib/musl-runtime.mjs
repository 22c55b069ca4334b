// musl-runtime.mjs -- starts Bun's musl builds (x64 natively, arm64 under qemu) on musl's loader
//
// Bun's musl binaries need libstdc++.so.6 built for musl, which Debian lacks. This builds
// musl/glibc-shim.c with the target's musl compiler and puts Debian's (glibc) libstdc++.so.6
// and libgcc_s.so.1 in a library folder, so the runtime can start; every C library call (and
// the addon's own) is musl's, and glibc's libc.so.6 is never mapped (checkMuslLibraries).
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './cross-build.mjs';
import { run } from './exec.mjs';
import { CACHE_DIR, TOOL_DIR } from './paths.mjs';
import { MUSL_LOADERS } from './pins.mjs';

const SHIM_SOURCE = join(TOOL_DIR, 'musl', 'glibc-shim.c');

/**
 * Per architecture: musl's loader, the compiler for the shim, Debian's C++ runtime files for
 * the library folder (glibc's loader name, which libstdc++ lists as NEEDED, is musl's loader
 * there), and the patterns of musl's and glibc's libc in /proc/self/maps.
 */
const TARGETS = {
  x64: {
    loader: MUSL_LOADERS.x64,
    cc: 'musl-gcc',
    cxxRuntime: {
      'libstdc++.so.6': '/usr/lib/x86_64-linux-gnu/libstdc++.so.6',
      'libgcc_s.so.1': '/lib/x86_64-linux-gnu/libgcc_s.so.1',
      'ld-linux-x86-64.so.2': MUSL_LOADERS.x64,
    },
    muslLibc: /ld-musl-x86_64|\/x86_64-linux-musl\/libc\.so$/,
    glibc: /\/libc\.so\.6$|ld-linux-x86-64\.so\.2$/,
  },
  arm64: {
    loader: MUSL_LOADERS.arm64,
    cc: 'aarch64-linux-musl-gcc',
    cxxRuntime: {
      'libstdc++.so.6': '/usr/aarch64-linux-gnu/lib/libstdc++.so.6',
      'libgcc_s.so.1': '/usr/aarch64-linux-gnu/lib/libgcc_s.so.1',
      'ld-linux-aarch64.so.1': MUSL_LOADERS.arm64,
    },
    muslLibc: /ld-musl-aarch64|\/aarch64-linux-musl\/libc\.so$/,
    glibc: /\/libc\.so\.6$|ld-linux-aarch64\.so\.1$/,
  },
};

/**
 * The command that runs Bun's musl build for `arch`: `[...emulator, ...guest]`, guest being
 * `[loader, --preload, shim, --library-path, dir, bun]` (`emulator`: e.g. `[qemu-aarch64, -cpu,
 * neoverse-n1]`). Resolves to `{ ok, command, guest, version }` or `{ ok: false, reason }`.
 */
export async function muslBunCommand(bunMusl, arch, emulator = []) {
  const target = TARGETS[arch];
  if (!existsSync(target.loader)) return { ok: false, reason: `${target.loader} is missing` };
  const libDir = join(CACHE_DIR, `musl-libs-${arch}-${sha256(SHIM_SOURCE).slice(0, 12)}`);
  const shim = join(libDir, 'libglibcshim.so');
  if (!existsSync(shim)) {
    mkdirSync(libDir, { recursive: true });
    for (const [name, file] of Object.entries(target.cxxRuntime)) {
      if (!existsSync(file)) return { ok: false, reason: `${file} is missing` };
      if (!existsSync(join(libDir, name))) symlinkSync(file, join(libDir, name));
    }
    const cc = await run(target.cc, ['-shared', '-fPIC', '-O2', '-o', shim, SHIM_SOURCE]);
    if (cc.code !== 0)
      return { ok: false, reason: `${target.cc} glibc-shim.c failed: ${cc.output.trim()}` };
  }
  const guest = [target.loader, '--preload', shim, '--library-path', libDir, bunMusl];
  const command = [...emulator, ...guest];
  const probe = await run(command[0], [...command.slice(1), '--version']);
  if (probe.code !== 0) {
    return {
      ok: false,
      reason: `Bun's ${arch} musl build does not start: ${probe.output.trim().split('\n')[0]}`,
    };
  }
  return { ok: true, command, guest, version: probe.stdout.trim() };
}

/**
 * A smoke `checkLibraries` for `arch`: musl's libc (its loader) must be mapped and glibc's
 * libc.so.6 and loader must not. Returns the complaint, or undefined.
 */
export function checkMuslLibraries(arch) {
  const { muslLibc, glibc } = TARGETS[arch];
  return (libs) => {
    if (!libs.some((l) => muslLibc.test(l))) return `musl's libc is not mapped (${libs.join(' ')})`;
    const mapped = libs.filter((l) => glibc.test(l));
    return mapped.length ? `glibc is mapped: ${mapped.join(' ')}` : undefined;
  };
}
