// pmem2-api.ts -- loads @pmem2/map, @pmem2/config, @pmem2/source and @pmem2/native if built

/** The part of Pmem2Map the benchmarks use (api-sketch.md). */
export interface Pmem2MapLike {
  readonly buffer: ArrayBuffer;
  readonly storeGranularity: number;
  persist(offset: number, length: number): void;
  persistRanges(ranges: Float64Array): void;
  memcpy(dstOffset: number, src: Uint8Array, flags?: number): void;
  delete(): void;
}

/** What the JS runner needs from the three packages. */
export interface Pmem2Api {
  /** `mapNew(new Config().setRequiredStoreGranularity(Granularity.PAGE), source)`. */
  mapPage(source: unknown): Pmem2MapLike;
  /** A reusable PAGE config, for the mapNew + delete loop. */
  pageConfig(): unknown;
  mapNew(config: unknown, source: unknown): Pmem2MapLike;
  sourceFromFd(fd: number): { delete?(): void };
  /** enum pmem2_granularity value → name. */
  granularityName(value: number): string;
  /** `@pmem2/native`'s binding.drain: a native call without arguments (the floor row). */
  nativeDrain(): void;
}

interface ConfigModule {
  Config: new () => { setRequiredStoreGranularity(g: number): unknown };
  Granularity: { BYTE: number; CACHE_LINE: number; PAGE: number };
}
interface SourceModule {
  Source: { fromFd(fd: number): { delete?(): void } };
}
interface MapModule {
  mapNew(config: unknown, source: unknown): Pmem2MapLike;
}
interface NativeModule {
  binding: { drain(): void };
}

function hasFunction(mod: unknown, path: readonly string[]): boolean {
  let v: unknown = mod;
  for (const key of path) {
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return false;
    v = (v as Record<string, unknown>)[key];
  }
  return typeof v === 'function';
}

/**
 * Imports the packages by name (the specifiers are variables so that this tool builds before
 * they exist). Returns the API, or the reason it is not available.
 */
export async function loadPmem2(): Promise<Pmem2Api | string> {
  const names = ['@pmem2/config', '@pmem2/source', '@pmem2/map', '@pmem2/native'] as const;
  const mods: unknown[] = [];
  for (const name of names) {
    try {
      mods.push(await import(name));
    } catch (e) {
      const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return `not available yet: ${name} cannot be imported (${msg})`;
    }
  }
  const [configMod, sourceMod, mapMod, nativeMod] = mods;
  if (!hasFunction(configMod, ['Config']) || !hasFunction(sourceMod, ['Source', 'fromFd'])) {
    return 'not available yet: @pmem2/config or @pmem2/source lacks Config / Source.fromFd';
  }
  if (!hasFunction(mapMod, ['mapNew'])) return 'not available yet: @pmem2/map has no mapNew';
  if (!hasFunction(nativeMod, ['binding', 'drain']))
    return 'not available yet: @pmem2/native has no binding.drain';
  const config = configMod as ConfigModule;
  const source = sourceMod as SourceModule;
  const map = mapMod as MapModule;
  const { binding } = nativeMod as NativeModule;
  const names2 = new Map<number, string>([
    [config.Granularity.BYTE, 'BYTE'],
    [config.Granularity.CACHE_LINE, 'CACHE_LINE'],
    [config.Granularity.PAGE, 'PAGE'],
  ]);
  const pageConfig = (): unknown =>
    new config.Config().setRequiredStoreGranularity(config.Granularity.PAGE);
  return {
    pageConfig,
    mapPage: (src) => map.mapNew(pageConfig(), src),
    mapNew: (cfg, src) => map.mapNew(cfg, src),
    sourceFromFd: (fd) => source.Source.fromFd(fd),
    granularityName: (value) => names2.get(value) ?? `unknown (${value})`,
    nativeDrain: binding.drain,
  };
}
