// progress.ts -- one self-updating progress line on stderr, only when stderr is a terminal

/** A progress line: `update(done)` redraws it at most every 100 ms, `end()` clears it. */
export interface Progress {
  update(done: number): void;
  end(): void;
}

const WIDTH = 30;
const silent: Progress = { update() {}, end() {} };

/** Starts a progress line for `label` out of `total` steps (a no-op off a terminal). */
export function startProgress(label: string, total: number): Progress {
  const stream = process.stderr;
  if (!stream.isTTY || total <= 0) return silent;
  let last = 0;
  return {
    update(done) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const filled = Math.round((WIDTH * Math.min(done, total)) / total);
      stream.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total}`,
      );
    },
    end() {
      stream.write('\r\x1b[2K');
    },
  };
}
