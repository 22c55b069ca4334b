// environment.ts -- the variables libpmem2 and @pmem2/native read, and what each does right now

import { forcedGranularity } from '@pmem2/map';
import { GRANULARITY_NAMES } from './granularity-reason.js';

/** One environment variable that libpmem2 (or libpmem) reads, as set in this process. */
export interface EnvironmentOverride {
  /** The variable's name, e.g. `'PMEM2_FORCE_GRANULARITY'`. */
  readonly name: string;
  /** Its value in this process. */
  readonly value: string;
  /** Whether libpmem2 acts on this value (a wrong spelling is silently ignored by libpmem2). */
  readonly effective: boolean;
  /** What libpmem2 does with it, in one sentence. */
  readonly effect: string;
}

type Rule = (value: string) => { effective: boolean; effect: string };

const exactlyOne =
  (what: string): Rule =>
  (value) =>
    value === '1'
      ? { effective: true, effect: what }
      : { effective: false, effect: `ignored: only the exact value "1" ${what}` };

const notZero =
  (on: string, off: string): Rule =>
  (value) =>
    value === '0' ? { effective: true, effect: off } : { effective: false, effect: on };

// PMEM2_FORCE_GRANULARITY is parsed by @pmem2/native's parse_force_granularity, as mapNew does.
const forceGranularity: Rule = (value) => {
  const forced = forcedGranularity(value);
  return forced !== undefined
    ? {
        effective: true,
        effect: `every shared file mapping gets granularity ${GRANULARITY_NAMES[forced]} (private and anonymous mappings stay BYTE)`,
      }
    : {
        effective: false,
        effect: 'ignored: not BYTE, CACHE_LINE, CACHELINE or PAGE (case-insensitive)',
      };
};

const RULES: Readonly<Record<string, Rule>> = {
  PMEM2_FORCE_GRANULARITY: forceGranularity,
  PMEM_NO_CLWB: exactlyOne('disables CLWB (CLFLUSHOPT or CLFLUSH is used)'),
  PMEM_NO_CLFLUSHOPT: exactlyOne('disables CLFLUSHOPT'),
  PMEM_NO_MOVNT: exactlyOne('disables the non-temporal copy routines (generic copies are used)'),
  PMEM_NO_GENERIC_MEMCPY: (value) =>
    Number.parseInt(value, 10)
      ? {
          effective: true,
          effect: 'uses libc memmove/memset + flush when no non-temporal routine is installed',
        }
      : { effective: false, effect: 'ignored: needs a non-zero integer' },
  PMEM_MOVNT_THRESHOLD: (value) => {
    const n = Number.parseInt(value, 10);
    return Number.isNaN(n) || n < 0
      ? { effective: false, effect: 'ignored: needs a non-negative integer (default 256)' }
      : { effective: true, effect: `copies of ${n} bytes or more use non-temporal stores` };
  },
  PMEM_AVX: notZero('no effect (AVX is used when the CPU has it)', 'disables the AVX routines'),
  PMEM_AVX512F: notZero(
    'no effect (AVX-512F is used when the CPU has it)',
    'disables the AVX-512F routines',
  ),
  PMEM_MOVDIR64B: (value) =>
    value !== '0'
      ? { effective: true, effect: 'enables MOVDIR64B copies when the CPU has it (opt-in)' }
      : { effective: false, effect: 'no effect: "0" keeps MOVDIR64B off (the default)' },
  PMEM_WC_WORKAROUND: (value) =>
    value === '1' || value === '0'
      ? {
          effective: true,
          effect: `${value === '1' ? 'forces' : 'disables'} the sfence every 768 bytes of non-temporal stores`,
        }
      : { effective: false, effect: 'ignored: only "1" or "0"' },
  PMEM2_CRC32: (value) =>
    value === 'tables' || value === 'pclmul'
      ? {
          effective: true,
          effect:
            value === 'tables'
              ? "crc32 uses zlib-class tables instead of the CPU's CRC instructions"
              : 'crc32 keeps the 128-bit carry-less multiply where VPCLMULQDQ would be used (x86-64)',
        }
      : { effective: false, effect: 'ignored: only "tables" or "pclmul"' },
  PMEM_NO_FLUSH: () => ({
    effective: false,
    effect: 'not read by libpmem2 (libpmem v1 only); use PMEM2_FORCE_GRANULARITY',
  }),
  PMEM_IS_PMEM_FORCE: () => ({
    effective: false,
    effect: 'not read by libpmem2 (libpmem v1 only); use PMEM2_FORCE_GRANULARITY',
  }),
};

/**
 * Lists the libpmem2 environment variables set in `env`, each with whether libpmem2 acts on
 * its value and what it does.
 *
 * @remarks
 * Follows libpmem2 1.12.1's parsing: `PMEM2_FORCE_GRANULARITY` is read on every map (its value
 * is judged by the same parser `mapNew` uses), the `PMEM_*` variables once when the library
 * (here: `@pmem2/native`, loaded by `@pmem2/map`) loads. `PMEM2_CRC32` is @pmem2/native's own
 * (read once at load: `tables` or `pclmul` choose the CRC-32 routine). `PMEM_NO_FLUSH` and
 * `PMEM_IS_PMEM_FORCE` belong to libpmem (v1); they are listed because users set them expecting
 * an effect, and marked as not read.
 *
 * @param env - the environment to read (default `process.env`).
 * @returns the variables that are set, in a fixed order.
 * @example
 * ```ts
 * import { environmentOverrides } from '@pmem2/cli';
 * environmentOverrides({ PMEM2_FORCE_GRANULARITY: 'page' })[0]?.effective; // true
 * ```
 * @see libpmem2: libpmem2(7) (ENVIRONMENT)
 */
export function environmentOverrides(
  env: Readonly<Record<string, string | undefined>> = process.env,
): EnvironmentOverride[] {
  const found: EnvironmentOverride[] = [];
  for (const [name, rule] of Object.entries(RULES)) {
    const value = env[name];
    if (value !== undefined) found.push({ name, value, ...rule(value) });
  }
  return found;
}
