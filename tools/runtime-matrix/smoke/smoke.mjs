// smoke.mjs -- the packed-tarball smoke test, run by every runtime of the matrix
//
// Copied into a project that installed the packed @pmem2/* tarballs, and run there by Node,
// Bun, Deno or an emulated arm64 Node: `<runtime> smoke.mjs <file>...`. For each file (one on
// ext4, one on tmpfs) and each of two modes it maps the file, writes a pattern, persists it,
// deletes the mapping, reads the file back with node:fs and compares, and checks that a config
// without a granularity fails with PMEM2_E_GRANULARITY_NOT_SET:
// - "page": the file's own granularity (PAGE off DAX), bytes stored through `map.buffer`,
//   `persist` = msync;
// - "cache-line": PMEM2_FORCE_GRANULARITY=CACHE_LINE, bytes stored by `map.memcpy` (the
//   addon's copy routines), `persist` = the CPU cache flush (clwb/clflushopt, dc cvap/cvac).
// It prints one line `SMOKE-RESULT <json>` and exits 0 only if every step passed. Plain
// JavaScript, no dependencies beyond the installed packages, so every runtime runs it as is.
import { closeSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAP_SIZE = 64 * 1024;

/**
 * The two ways each file is mapped and written; see the file comment. PMEM2_SMOKE_PAGE_FORCE
 * makes the page mode force its granularity too: under qemu-user 7.2, mmap with
 * MAP_FIXED|MAP_SHARED_VALIDATE|MAP_SYNC "succeeds" on any file, so detection would say
 * CACHE_LINE there.
 */
const MODES = [
  { name: 'page', force: process.env.PMEM2_SMOKE_PAGE_FORCE, expect: 'PAGE', write: 'buffer' },
  { name: 'cache-line', force: 'CACHE_LINE', expect: 'CACHE_LINE', write: 'memcpy' },
];
const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** What runs this script: name, version, arch and N-API version. */
function describeRuntime() {
  const versions = process.versions;
  let name = 'node';
  let version = versions.node;
  if (versions.bun) {
    name = 'bun';
    version = versions.bun;
  } else if (typeof globalThis.Deno !== 'undefined') {
    name = 'deno';
    version = globalThis.Deno.version.deno;
  }
  return { name, version, nodeCompat: versions.node, arch: process.arch, napi: versions.napi };
}

/** The C libraries and C++ runtimes mapped into this process (which libc really runs). */
function mappedRuntimeLibraries() {
  try {
    const maps = readFileSync('/proc/self/maps', 'utf8');
    const paths = new Set(maps.split('\n').map((l) => l.split(/\s+/)[5] ?? ''));
    return [...paths].filter((p) => /\/(ld-|libc[.-]|libstdc\+\+)/.test(p)).sort();
  } catch {
    return [];
  }
}

/**
 * The prebuild node-gyp-build picks for @pmem2/native here, relative to the package. The
 * package's real folder, so pnpm's layout (node_modules/@pmem2/native a symlink into
 * .pnpm/, node-gyp-build beside it there) resolves too.
 */
function resolvePrebuild() {
  const nativeDir = realpathSync(join(here, 'node_modules', '@pmem2', 'native'));
  const nodeGypBuild = require(require.resolve('node-gyp-build', { paths: [nativeDir] }));
  return relative(nativeDir, nodeGypBuild.path(nativeDir));
}

/** Byte i of the pattern a mode writes (the modes differ, so a stale file cannot pass). */
function patternByte(i, mode) {
  return (i * 31 + (mode.name === 'page' ? 7 : 101)) & 0xff;
}

/** Runs one step and records it; a throw fails the step with the error's text. */
function step(steps, name, fn) {
  try {
    const detail = fn();
    steps.push({ name, ok: true, ...(detail === undefined ? {} : { detail }) });
    return true;
  } catch (error) {
    const code = error && typeof error === 'object' && 'code' in error ? ` [${error.code}]` : '';
    steps.push({ name, ok: false, error: `${error?.name ?? 'Error'}${code}: ${error?.message}` });
    return false;
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** The whole map/write/persist/delete/read-back sequence on one file in one mode. */
function smokeMode(file, source, mode, api, steps) {
  const { mapNew, Config, Granularity } = api;
  const label = (name) => `${mode.name}: ${name}`;
  let map;
  if (mode.force === undefined) delete process.env.PMEM2_FORCE_GRANULARITY;
  else process.env.PMEM2_FORCE_GRANULARITY = mode.force;
  try {
    step(steps, label('map'), () => {
      map = mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), source);
      expect(map.size === MAP_SIZE, `map.size is ${map.size}, not ${MAP_SIZE}`);
      expect(
        map.storeGranularity === Granularity[mode.expect],
        `storeGranularity is ${map.storeGranularity}, expected ${mode.expect} (${Granularity[mode.expect]})`,
      );
      return { storeGranularity: mode.expect };
    }) &&
      step(steps, label(`write (${mode.write}) + persist`), () => {
        const pattern = new Uint8Array(MAP_SIZE);
        for (let i = 0; i < MAP_SIZE; i++) pattern[i] = patternByte(i, mode);
        if (mode.write === 'memcpy') {
          map.memcpy(0, pattern);
        } else {
          const view = new Uint8Array(map.buffer);
          expect(view.length === MAP_SIZE, `buffer has ${view.length} bytes, not ${MAP_SIZE}`);
          view.set(pattern);
        }
        map.persist(0, MAP_SIZE);
      }) &&
      step(steps, label('delete'), () => {
        const buffer = map.buffer;
        map.delete();
        map = undefined;
        expect(buffer.byteLength === 0, `buffer still has ${buffer.byteLength} bytes after delete`);
      }) &&
      step(steps, label('read back with fs'), () => {
        const bytes = readFileSync(file);
        expect(bytes.length === MAP_SIZE, `file has ${bytes.length} bytes`);
        for (let i = 0; i < MAP_SIZE; i++) {
          if (bytes[i] !== patternByte(i, mode)) {
            throw new Error(`byte ${i} is ${bytes[i]}, wrote ${patternByte(i, mode)}`);
          }
        }
      });
  } finally {
    if (map) step(steps, label('cleanup: delete'), () => map.delete());
    delete process.env.PMEM2_FORCE_GRANULARITY;
  }
}

/** The Pmem2Error a config without a store granularity must give. */
function smokeError(source, api, steps) {
  const { mapNew, Config, Pmem2Error, isPmem2Error } = api;
  step(steps, 'Pmem2Error from a config without granularity', () => {
    let thrown;
    try {
      mapNew(new Config(), source).delete();
    } catch (error) {
      thrown = error;
    }
    expect(thrown !== undefined, 'mapNew(new Config(), source) did not throw');
    expect(thrown instanceof Pmem2Error, `threw ${thrown?.name}, not a Pmem2Error`);
    expect(isPmem2Error(thrown), 'isPmem2Error() is false for the thrown error');
    expect(
      thrown.code === 'PMEM2_E_GRANULARITY_NOT_SET' && thrown.errno === -100008,
      `code ${thrown.code} errno ${thrown.errno}, expected PMEM2_E_GRANULARITY_NOT_SET -100008`,
    );
    return { code: thrown.code, libpmem2Message: thrown.libpmem2Message };
  });
}

/** Every mode and the error check on one file. */
function smokeFile(file, api) {
  const steps = [];
  writeFileSync(file, Buffer.alloc(MAP_SIZE));
  const fd = openSync(file, 'r+');
  let source;
  try {
    if (
      step(steps, 'source', () => {
        source = api.Source.fromFd(fd);
        expect(source.size() === MAP_SIZE, `source.size() is ${source.size()}, not ${MAP_SIZE}`);
      })
    ) {
      for (const mode of MODES) smokeMode(file, source, mode, api, steps);
      smokeError(source, api, steps);
    }
  } finally {
    source?.delete?.();
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return { file, ok: steps.every((s) => s.ok), steps };
}

async function main() {
  const files = process.argv.slice(2);
  const result = {
    runtime: describeRuntime(),
    libraries: mappedRuntimeLibraries(),
    ok: false,
    files: [],
  };
  try {
    result.prebuild = resolvePrebuild();
    const [map, config, source, errors] = await Promise.all([
      import('@pmem2/map'),
      import('@pmem2/config'),
      import('@pmem2/source'),
      import('@pmem2/errors'),
    ]);
    const api = { ...errors, ...source, ...config, ...map };
    for (const file of files) result.files.push(smokeFile(file, api));
    result.ok = files.length > 0 && result.files.every((f) => f.ok);
  } catch (error) {
    result.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
  }
  console.log(`SMOKE-RESULT ${JSON.stringify(result)}`);
  process.exitCode = result.ok ? 0 : 1;
}

await main();
