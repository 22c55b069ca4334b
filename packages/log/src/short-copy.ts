// short-copy.ts -- copies a short payload passed again (a reused buffer) 8 bytes a step
//
// `Uint8Array.set` costs about 13 ns before it moves a byte in Node 20 (a builtin call and its
// checks); a loop of Float64Array stores moves 64 bytes in about 8 ns. The loop needs an
// 8-byte view of the payload, and making one costs more than `set`: the view is made the
// second time in a row one payload arrives and kept for as long as it keeps arriving.

/** Longest payload copied by the loop: past it, `set`'s fixed cost is the smaller one. */
export const SHORT_COPY_MAX = 64;

const EMPTY = new Float64Array(0);

// Float64Array loads and stores keep every NaN bit pattern in V8 (tested on all its tiers),
// but an engine that boxes numbers in NaN bits (Bun's JavaScriptCore) rewrites them: there,
// and wherever the check below fails, only `set` copies.
function keepsNaNBits(): boolean {
  const bits = new Uint32Array([1, 0x7ff00000, 0xfff7ffff, 0xfff7ffff, 0xdeadbeef, 0x7ff40000]);
  const from = new Float64Array(bits.buffer);
  const to = new Float64Array(from.length);
  for (let i = 0; i < from.length; i++) to[i] = from[i] as number;
  const back = new Uint32Array(to.buffer);
  return bits.every((word, i) => back[i] === word);
}

const versions: Readonly<Record<string, string | undefined>> =
  typeof process === 'object' ? process.versions : {};
/** Whether this runtime copies by the loop at all. */
export const SHORT_COPY = versions.v8 !== undefined && versions.bun === undefined && keepsNaNBits();

/** A one-entry cache of the 8-byte view of the payload that arrived last. */
export class ShortCopy {
  #seen: Uint8Array | null = null;
  #source: Uint8Array | null = null;
  #words: Float64Array = EMPTY;
  #length = 0;

  /**
   * Copies `length` bytes of `data` (`length === data.length`) to `bytes` at `at`, a multiple
   * of 8; `doubles` is `bytes`' buffer as 8-byte words, or null where the loop is off.
   */
  copy(
    bytes: Uint8Array,
    doubles: Float64Array | null,
    at: number,
    data: Uint8Array,
    length: number,
  ): void {
    // The view is in bounds while the payload's length is unchanged: a view of a resized or
    // detached buffer would read as undefined (stored as NaN), but the payload's length
    // then changes too (0 out of bounds or detached, the new size when it tracks the buffer).
    if (data === this.#source && length === this.#length && doubles !== null) {
      const words = this.#words;
      const n = words.length;
      const w = at / 8;
      let i = 0;
      // four stores a step: the loop's own overhead is a third of its cost at 64 bytes
      for (; i + 4 <= n; i += 4) {
        doubles[w + i] = words[i] as number;
        doubles[w + i + 1] = words[i + 1] as number;
        doubles[w + i + 2] = words[i + 2] as number;
        doubles[w + i + 3] = words[i + 3] as number;
      }
      for (; i < n; i++) doubles[w + i] = words[i] as number;
      for (i *= 8; i < length; i++) bytes[at + i] = data[i] as number;
      return;
    }
    // (an empty payload copies nothing: `set` would throw for a detached one, which reads as
    // empty everywhere else)
    if (length === 0) return;
    bytes.set(data, at);
    if (data !== this.#seen) this.#seen = data;
    else if (doubles !== null && length >= 8 && length <= SHORT_COPY_MAX) {
      if (data.byteOffset % 8 === 0) {
        this.#source = data;
        this.#length = length;
        this.#words = new Float64Array(data.buffer, data.byteOffset, length >>> 3);
      }
    }
  }
}
