// writer-child.ts -- the writer process: appends records and acknowledges each one over IPC
//
// Started by crash-test.ts with child_process.fork(path, count). After each record is
// committed (record persisted, then tail persisted) it sends { seq } to the parent, which
// kills it with SIGKILL partway. The parent counts only what was acknowledged.

import { PersistentLog } from './persistent-log.js';

/** A message from the writer to the parent. */
export type WriterMessage =
  | { readonly type: 'ack'; readonly seq: number }
  | { readonly type: 'done' };

const [path, countText] = process.argv.slice(2);
const send = process.send?.bind(process);
if (path === undefined || countText === undefined || send === undefined) {
  console.error('writer-child: start me with child_process.fork(script, [path, count])');
  process.exit(2);
}
const log = PersistentLog.open(path);
const count = Number(countText);
while (log.committed < count) {
  const seq = log.append();
  send({ type: 'ack', seq } satisfies WriterMessage);
}
log.close();
send({ type: 'done' } satisfies WriterMessage, () => process.disconnect());
