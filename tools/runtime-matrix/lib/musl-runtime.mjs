// musl-runtime.mjs -- starts Bun's musl build under Debian's musl loader
//
// Bun's musl binary needs libstdc++.so.6 built for musl, which Debian lacks. This builds
// musl/glibc-shim.c with musl-gcc and puts Debian's libstdc++.so.6 and libgcc_s.so.1 in a
// library folder, so the runtime can start; every C library call (and the addon's own) is
// musl's, and glibc's libc.so.6 is never mapped (the smoke test reports the mapped libcs).
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './cross-build.mjs';
import { run } from './exec.mjs';
import { CACHE_DIR, TOOL_DIR } from './paths.mjs';
import { MUSL_LOADER } from './pins.mjs';

const SHIM_SOURCE = join(TOOL_DIR, 'musl', 'glibc-shim.c');

/** Debian's C++ runtime files, linked into the library folder. */
const CXX_RUNTIME = {
  'libstdc++.so.6': '/usr/lib/x86_64-linux-gnu/libstdc++.so.6',
  'libgcc_s.so.1': '/lib/x86_64-linux-gnu/libgcc_s.so.1',
  // glibc's loader name, which libstdc++ lists as NEEDED: musl's loader stands in for it.
  'ld-linux-x86-64.so.2': MUSL_LOADER,
};

/**
 * The command prefix that runs Bun's musl build: `[loader, --preload, shim, --library-path,
 * dir, bun]`. Resolves to `{ ok, command }` or `{ ok: false, reason }`.
 */
export async function muslBunCommand(bunMusl) {
  if (!existsSync(MUSL_LOADER)) return { ok: false, reason: `${MUSL_LOADER} is missing` };
  const libDir = join(CACHE_DIR, `musl-libs-${sha256(SHIM_SOURCE).slice(0, 12)}`);
  const shim = join(libDir, 'libglibcshim.so');
  if (!existsSync(shim)) {
    mkdirSync(libDir, { recursive: true });
    for (const [name, target] of Object.entries(CXX_RUNTIME)) {
      if (!existsSync(target)) return { ok: false, reason: `${target} is missing` };
      if (!existsSync(join(libDir, name))) symlinkSync(target, join(libDir, name));
    }
    const cc = await run('musl-gcc', ['-shared', '-fPIC', '-O2', '-o', shim, SHIM_SOURCE]);
    if (cc.code !== 0)
      return { ok: false, reason: `musl-gcc glibc-shim.c failed: ${cc.output.trim()}` };
  }
  const command = [MUSL_LOADER, '--preload', shim, '--library-path', libDir, bunMusl];
  const probe = await run(command[0], [...command.slice(1), '--version']);
  if (probe.code !== 0) {
    return {
      ok: false,
      reason: `Bun's musl build does not start: ${probe.output.trim().split('\n')[0]}`,
    };
  }
  return { ok: true, command, version: probe.stdout.trim() };
}
