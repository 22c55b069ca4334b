// index.d.ts -- types of the fault-injection helpers

/** Which libc call fails, on which armed call, with which errno. */
export interface Fault {
  readonly func:
    | 'mmap'
    | 'mmap_late'
    | 'munmap'
    | 'msync'
    | 'msync_async'
    | 'madvise'
    | 'mincore'
    | 'mlock'
    | 'munlock'
    | 'fallocate'
    | 'fstat'
    | 'fcntl'
    | 'open';
  /** The armed call that fails; 1 = the first. */
  readonly nth?: number;
  /** The errno number to fail with (e.g. os.constants.errno.ENOMEM). */
  readonly errno: number;
  /** For open: only paths containing this text are counted. */
  readonly path?: string;
}

/** What the child process did. */
export interface FaultRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Compiles shim.c once per version of its text (under a temporary name, then renamed, so that
 * concurrent callers never preload a half-written file) and returns the .so's path.
 */
export function buildShim(): string;
/** The path whose open() arms the shim. */
export const ARM_PATH: string;
/** Runs ESM `code` in a child node with the shim preloaded and `fault` configured. */
export function runWithFault(
  fault: Fault,
  code: string,
  options?: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeout?: number },
): FaultRun;
