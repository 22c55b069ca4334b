// describe-value.ts -- how error messages show a value the caller passed

/**
 * Shows a caller's value in an error message without running any of its code: `5`, `5n`,
 * `"5"`, `NaN`, `null`, `an array`, `an object`, `a revoked Proxy`, `a function`.
 *
 * @remarks
 * Only `typeof` and `Array.isArray` look at the value: no property is read and nothing is
 * converted, so a getter, a `toString` or a Proxy trap never runs. `Array.isArray` throws
 * for a revoked Proxy; that is reported as such.
 *
 * @param value - anything.
 * @returns a short description for a message.
 * @throws never.
 * @example
 * ```ts
 * import { describeValue } from '@pmem2/config';
 * describeValue('0x41'); // '"0x41"'
 * describeValue(1n);     // '1n'
 * const { proxy, revoke } = Proxy.revocable({}, {});
 * revoke();
 * describeValue(proxy);  // 'a revoked Proxy'
 * ```
 * @see libpmem2: pmem2_errormsg(3) (the messages these descriptions go into)
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'bigint':
      return `${value}n`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'undefined':
      return 'undefined';
    case 'object':
      return value === null ? 'null' : describeObject(value);
    default:
      return `a ${typeof value}`;
  }
}

// An object: an array or not (Array.isArray is the one check that sees through a Proxy).
function describeObject(value: object): string {
  try {
    return Array.isArray(value) ? 'an array' : 'an object';
  } catch {
    return 'a revoked Proxy';
  }
}
