// crash-faults.mjs -- crash.mjs's fault scenarios: protections that forbid the call, a file
// truncated under the mapping, and mappings the system refuses

import { closeSync, ftruncateSync, openSync } from 'node:fs';
import {
  makeFile,
  mapFile,
  mapNew,
  Protection,
  pageConfig,
  READ_WRITE,
  Sharing,
  Source,
} from './common.mjs';
import { diff, mappingRegistry, outcome, snapshot } from './lib.mjs';
import { mapCalls, runAll } from './map-calls.mjs';

/** The fault scenarios over files in `dir`, by name. */
export function faultScenarios(dir) {
  return {
    protections: () => {
      const path = makeFile(dir, 'prot', 65536);
      const cases = {
        read: Protection.READ,
        none: Protection.NONE,
        write: Protection.WRITE >>> 0,
        exec: Protection.EXEC,
        readExec: Protection.READ | Protection.EXEC,
      };
      const result = {};
      for (const [name, protection] of Object.entries(cases)) {
        for (const granularity of ['PAGE', 'CACHE_LINE']) {
          process.env.PMEM2_FORCE_GRANULARITY = granularity;
          const source = Source.fromPath(path);
          const config = pageConfig(protection, Sharing.SHARED);
          let map;
          const created = outcome(() => {
            map = mapNew(config, source);
          });
          const key = `${name}/${granularity}`;
          result[key] = { created };
          if (map !== undefined) {
            result[key].calls = runAll(mapCalls(map));
            result[key].delete = outcome(() => map.delete());
          }
          source.delete();
        }
      }
      delete process.env.PMEM2_FORCE_GRANULARITY;
      result.registry = mappingRegistry.size;
      return result;
    },

    truncated: () => {
      const result = {};
      for (const granularity of ['PAGE', 'CACHE_LINE']) {
        process.env.PMEM2_FORCE_GRANULARITY = granularity;
        const path = makeFile(dir, `trunc-${granularity}`, 65536);
        const source = Source.fromPath(path);
        const map = mapNew(pageConfig(), source);
        map.bytes().fill(1);
        ftruncateSync(source.getFd(), 0);
        const calls = runAll({
          persist: () => map.persist(8192, 4096),
          flush: () => map.flush(8192, 4096),
          deepFlush: () => map.deepFlush(8192, 4096),
          memcpy: () => map.memcpy(8192, new Uint8Array(64).fill(2)),
          memcpyNontemporal: () => map.memcpy(8192, new Uint8Array(8192).fill(2), 0x2),
          memmove: () => map.memmove(8192, 16384, 1024),
          memset: () => map.memset(8192, 0xcc, 4096),
          memsetNoflush: () => map.memset(8192, 0xcc, 4096, 0x1),
          read: () => map.read(8192, 64),
          readTarget: () => map.read(8192, new Uint8Array(64)),
          crc32: () => map.crc32(8192, 64),
        });
        // still usable afterwards: the guard unblocked the signal
        const again = outcome(() => map.memset(8192, 1, 16));
        result[granularity] = { storeGranularity: map.storeGranularity, calls, again };
        result[granularity].delete = outcome(() => map.delete());
        source.delete();
      }
      delete process.env.PMEM2_FORCE_GRANULARITY;
      return result;
    },

    'truncated-direct-access': () => {
      const path = makeFile(dir, 'trunc-direct', 65536);
      const { map, source } = mapFile(path);
      const view = map.bytes();
      ftruncateSync(source.getFd(), 0);
      process.stdout.write('about to touch\n');
      const before = view[8192]; // the SIGBUS handler maps a zeroed anonymous page over it
      view[8192] = 1; // lands on that page, never in the file
      return {
        survived: true,
        before,
        lost: map.lostRanges,
        persist: outcome(() => map.persist(0, 4096)),
      };
    },

    'real-faults': () => {
      const before = snapshot();
      const path = makeFile(dir, 'real-faults', 65536);
      const readOnly = Source.fromPath(path, { readOnly: true });
      const result = {
        readOnlyFdWritableShared: outcome(() => mapNew(pageConfig(), readOnly)),
        readOnlyFdReadShared: outcome(() => mapNew(pageConfig(Protection.READ), readOnly).delete()),
        readOnlyFdWritablePrivate: outcome(() =>
          mapNew(pageConfig(READ_WRITE, Sharing.PRIVATE), readOnly).delete(),
        ),
      };
      readOnly.delete();
      const huge = Source.fromAnon(2n ** 47n);
      result.addressSpace = outcome(() => mapNew(pageConfig(), huge));
      huge.delete();
      const appendOnly = process.argv[4];
      if (appendOnly !== undefined) {
        // an append-only file opens read-write only with O_APPEND ('a+'); mmap then says EACCES
        const fd = openSync(appendOnly, 'a+');
        const source = Source.fromFd(fd);
        result.appendOnlyShared = outcome(() => mapNew(pageConfig(), source));
        result.appendOnlyPrivate = outcome(() =>
          mapNew(pageConfig(READ_WRITE, Sharing.PRIVATE), source).delete(),
        );
        source.delete();
        closeSync(fd);
      }
      result.leak = diff(before, snapshot());
      return result;
    },
  };
}
