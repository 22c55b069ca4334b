// recovery.ts -- opens the demo log with @pmem2/log and checks every recovered record

import { LinearLog } from '@pmem2/log';
import { recordProblem } from './records.js';

/** What recovery found. */
export interface Recovery {
  /** Records @pmem2/log recovered: every committed group, a torn tail cut off. */
  readonly committed: number;
  /** Recovered records whose content is not the record expected there (index and problem). */
  readonly corrupt: readonly { readonly index: number; readonly problem: string }[];
}

/** Opens the log at `path`, recovers it, and checks record i is record number i. */
export function recoverLog(path: string, recordSize: number): Recovery {
  const log = LinearLog.open(path);
  try {
    const corrupt: { index: number; problem: string }[] = [];
    let committed = 0;
    for (const { data } of log.records()) {
      const problem = recordProblem(data, committed, recordSize);
      if (problem !== null) corrupt.push({ index: committed, problem });
      committed++;
    }
    return { committed, corrupt };
  } finally {
    log.close();
  }
}
