// common.mjs -- building blocks of the child scripts: files, configs and maps

import { closeSync, ftruncateSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Config, Granularity, Protection, Sharing } from '@pmem2/config';
import { mapNew } from '@pmem2/map';
import { Source } from '@pmem2/source';

export { Config, Granularity, mapNew, Protection, Sharing, Source };

/** Protection.READ | Protection.WRITE as the unsigned value the config takes. */
export const READ_WRITE = (Protection.READ | Protection.WRITE) >>> 0;

/** Creates (or resizes) `dir/name` to `size` bytes and returns its path. */
export function makeFile(dir, name, size) {
  const path = join(dir, name);
  const fd = openSync(path, 'w+');
  ftruncateSync(fd, size);
  closeSync(fd);
  return path;
}

/** A PAGE-granularity config with the given protection and sharing. */
export function pageConfig(protection = READ_WRITE, sharing = Sharing.SHARED) {
  return new Config()
    .setRequiredStoreGranularity(Granularity.PAGE)
    .setProtection(protection)
    .setSharing(sharing);
}

/** Maps the whole file at `path` read-write shared; returns { map, source }. */
export function mapFile(path, config = pageConfig()) {
  const source = Source.fromPath(path);
  return { map: mapNew(config, source), source };
}
