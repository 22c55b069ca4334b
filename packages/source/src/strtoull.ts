// strtoull.ts -- C's strtoull(3) and strtoll(3) over a string, to parse sysfs attributes as C does

const ULLONG_MAX = (1n << 64n) - 1n;

/** What strtoull returns and where it stopped. */
export interface StrtoullResult {
  /** The value, `ULLONG_MAX` on overflow; negated modulo 2^64 after a `-` sign, as in C. */
  readonly value: bigint;
  /** Index of the first character not parsed (`endptr`); 0 when no digits were found. */
  readonly end: number;
  /** True when the value did not fit (strtoull sets ERANGE). */
  readonly overflow: boolean;
}

function digitValue(char: string): number {
  const code = char.toLowerCase().charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  return 99;
}

/**
 * Parses `text` like glibc's `strtoull(text, &end, base)` in the C locale: leading white space,
 * an optional sign, and for base 0 or 16 an optional `0x` prefix; base 0 picks 16, 8 or 10.
 */
export function strtoull(text: string, base: 0 | 10 | 16): StrtoullResult {
  let at = 0;
  while (at < text.length && ' \t\n\v\f\r'.includes(text[at] as string)) at++;
  let negative = false;
  if (text[at] === '+' || text[at] === '-') {
    negative = text[at] === '-';
    at++;
  }
  let radix: number = base;
  const hasHexPrefix =
    text[at] === '0' &&
    (text[at + 1] === 'x' || text[at + 1] === 'X') &&
    digitValue(text[at + 2] ?? '') < 16;
  if ((base === 0 || base === 16) && hasHexPrefix) {
    radix = 16;
    at += 2;
  } else if (base === 0) {
    radix = text[at] === '0' ? 8 : 10;
  }
  const firstDigit = at;
  let value = 0n;
  let overflow = false;
  while (at < text.length && digitValue(text[at] as string) < radix) {
    value = value * BigInt(radix) + BigInt(digitValue(text[at] as string));
    if (value > ULLONG_MAX) overflow = true;
    at++;
  }
  if (at === firstDigit) return { value: 0n, end: 0, overflow: false };
  if (overflow) return { value: ULLONG_MAX, end: at, overflow };
  return { value: negative ? (ULLONG_MAX + 1n - value) & ULLONG_MAX : value, end: at, overflow };
}

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);

/**
 * Parses `text` like glibc's `strtoll(text, NULL, base)`: as {@link strtoull}, but signed and
 * clamped to LLONG_MIN … LLONG_MAX; 0 when there are no digits.
 */
export function strtoll(text: string, base: 0 | 10 | 16): bigint {
  const parsed = strtoull(text, base);
  if (parsed.end === 0) return 0n;
  const negative = /^\s*-/.test(text);
  if (parsed.overflow) return negative ? LLONG_MIN : LLONG_MAX;
  const magnitude = negative && parsed.value !== 0n ? (1n << 64n) - parsed.value : parsed.value;
  if (negative) return magnitude > -LLONG_MIN ? LLONG_MIN : -magnitude;
  return magnitude > LLONG_MAX ? LLONG_MAX : magnitude;
}
