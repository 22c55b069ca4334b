// durability.mjs -- writer, reader and verifier of the multi-process durability test
// (argv: role, file). Records are 64 bytes at slot i: u32 sequence i + 1, u32 checksum, and
// 56 payload bytes derived from i. The writer acknowledges each record on stdout after persist.

import { mapNew, pageConfig, Source } from './common.mjs';

const [, , role, path, limitText] = process.argv;
const RECORD = 64;

/** The 64 bytes of record i. */
export function record(i) {
  const bytes = new Uint8Array(RECORD);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, i + 1, true);
  let sum = 0;
  for (let k = 8; k < RECORD; k++) {
    bytes[k] = (i * 31 + k * 7) & 0xff;
    sum = (sum * 33 + bytes[k]) >>> 0;
  }
  view.setUint32(4, sum, true);
  return bytes;
}

/** Whether the mapping holds record i intact. */
function intact(map, i) {
  const got = map.read(i * RECORD, RECORD);
  const want = record(i);
  return got.every((b, k) => b === want[k]);
}

const source = Source.fromPath(path);
const map = mapNew(pageConfig(), source);
const slots = Math.floor(map.size / RECORD);

if (role === 'writer') {
  // never stops on its own: the parent kills it with SIGKILL mid-loop
  for (let i = 0; ; i = (i + 1) % slots) {
    map.memcpy(i * RECORD, record(i));
    map.persist(i * RECORD, RECORD);
    process.stdout.write(`ack ${i}\n`);
    if (i % 64 === 63) await new Promise((r) => setImmediate(r));
  }
} else if (role === 'reader') {
  // waits until it sees `limit` consecutive records written by the other process
  const limit = Number(limitText);
  let seen = 0;
  while (seen < limit) {
    if (intact(map, seen)) seen++;
    else await new Promise((r) => setTimeout(r, 1));
  }
  process.stdout.write(`${JSON.stringify({ seen })}\n`);
  map.delete();
  source.delete();
} else {
  const count = Number(limitText);
  const broken = [];
  for (let i = 0; i < count; i++) if (!intact(map, i)) broken.push(i);
  process.stdout.write(`${JSON.stringify({ checked: count, broken })}\n`);
  map.delete();
  source.delete();
}
