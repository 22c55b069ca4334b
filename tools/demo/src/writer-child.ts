// writer-child.ts -- the writer process: appends records and acknowledges each commit over IPC
//
// Started by crash-test.ts with child_process.fork(path, count, recordSize). After each
// record's commit returns (one @pmem2/log group: the record and its checksummed commit
// record, made durable by one persist) it sends { seq } to the parent, which kills it with
// SIGKILL partway. The parent counts only what was acknowledged.

import { LinearLog } from '@pmem2/log';
import { encodeRecord } from './records.js';

/** A message from the writer to the parent. */
export type WriterMessage =
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'done' };

const [path, countText, sizeText] = process.argv.slice(2);
const send = process.send?.bind(process);
if (path === undefined || countText === undefined || sizeText === undefined || send === undefined) {
  console.error(
    'writer-child: start me with child_process.fork(script, [path, count, recordSize])',
  );
  process.exit(2);
}
const log = LinearLog.open(path, { autoCommit: false });
const count = Number(countText);
const size = Number(sizeText);
for (let seq = 0; seq < count; seq++) {
  log.append(encodeRecord(seq, size));
  log.commit();
  send({ type: 'ack', seq } satisfies WriterMessage);
}
log.close();
send({ type: 'done' } satisfies WriterMessage, () => process.disconnect());
