// usage-error.ts -- a mistake on the pmem2 command line (exit status 2)

/** Where a {@link UsageError} happened and how to print it. */
export interface UsageErrorOptions {
  /** The command whose arguments are wrong (`'info'`, `'map'`), printed as `pmem2 <command>:`. */
  readonly command?: string;
  /** Print the whole usage text after the message (e.g. `pmem2` with no command). */
  readonly showUsage?: boolean;
}

/**
 * Thrown by the argument parsers of `pmem2` for a command line that cannot be run: the
 * `message` is printed on stderr after `pmem2:` (or `pmem2 <command>:`), without a stack
 * trace.
 *
 * @example
 * ```ts
 * import { UsageError } from '@pmem2/cli';
 * const e = new UsageError('missing <path>', { command: 'info' });
 * e.message; // 'missing <path>'
 * e.command; // 'info'
 * ```
 * @see libpmem2: pmem2_perror(3)
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose arguments are wrong, if the mistake is in one command's arguments. */
  readonly command: string | undefined;
  /** Whether `pmem2` prints the usage text after the message. */
  readonly showUsage: boolean;

  /**
   * @param message - what is wrong with the command line, without the `pmem2:` prefix.
   * @param options - the command it concerns, and whether to print the usage text.
   */
  constructor(message: string, options: UsageErrorOptions = {}) {
    super(message);
    this.command = options.command;
    this.showUsage = options.showUsage === true;
  }
}
