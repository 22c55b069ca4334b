// dev-number.ts -- major/minor of a Linux dev_t (glibc encoding), as "M:m" for sysfs paths

/** The major number of a dev_t (glibc's `major(3)`). */
export function devMajor(dev: bigint): bigint {
  return ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
}

/** The minor number of a dev_t (glibc's `minor(3)`). */
export function devMinor(dev: bigint): bigint {
  return (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
}

/** `"major:minor"`, the form of `/sys/dev/char/<M:m>` and of sysfs `dev` files. */
export function devName(dev: bigint): string {
  return `${devMajor(dev)}:${devMinor(dev)}`;
}
