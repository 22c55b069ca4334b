// loaded-addon.mjs -- prints the .node files of @pmem2/native this process mapped
import '@pmem2/native';
import { mapsLines } from './lib.mjs';

process.stdout.write(
  `${[
    ...new Set(
      mapsLines()
        .filter((l) => l.endsWith('.node'))
        .map((l) => l.split(/\s+/).at(-1)),
    ),
  ].join('\n')}\n`,
);
