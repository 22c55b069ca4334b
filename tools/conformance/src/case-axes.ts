// case-axes.ts -- what the case tables share: source specs, the cartesian product of axes,
// names of values, and the CaseGroup they build

import type { ConformanceCase, FileContent, FileSystemKind, OpenMode, SourceSpec } from './case.js';
import { MiB } from './case.js';

export const INT32_MAX = 2 ** 31 - 1;
export const INT32_MIN = -(2 ** 31);
export const GRANULARITY = { BYTE: 0, CACHE_LINE: 1, PAGE: 2 } as const;
export const SHARING = { SHARED: 0, PRIVATE: 1 } as const;

/** A topic of the matrix: what it covers (man page / libpmem2.md section) and its cases. */
export interface CaseGroup {
  readonly name: string;
  readonly covers: string;
  readonly cases: readonly ConformanceCase[];
}

export function file(
  size: number,
  options: { fs?: FileSystemKind; open?: OpenMode; content?: FileContent } = {},
): SourceSpec {
  const content = options.content ?? (size >= 16 * MiB ? 'sparse' : 'pattern');
  return { kind: 'file', fs: options.fs ?? 'ext4', size, content, open: options.open ?? 'rdwr' };
}

export function anon(size: bigint | number): SourceSpec {
  return { kind: 'anon', size: BigInt(size) };
}

/** Every combination of the axes, in order (the cartesian product). */
export function cross<T extends Record<string, readonly unknown[]>>(
  axes: T,
): { [K in keyof T]: T[K][number] }[] {
  let rows: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(axes)) {
    rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v })));
  }
  return rows as { [K in keyof T]: T[K][number] }[];
}

export function show(v: unknown): string {
  return v === undefined ? 'unset' : String(v);
}

export const sourceName = (s: SourceSpec): string =>
  s.kind === 'file'
    ? `${s.fs}-${s.size}-${s.open}`
    : s.kind === 'anon'
      ? `anon-${s.size}`
      : s.kind === 'fd'
        ? `fd${s.fd}`
        : s.kind === 'existing'
          ? s.path
          : s.kind;

/** The size of the matrix's large files. */
export const SIXTEEN_MiB = BigInt(16 * MiB);
