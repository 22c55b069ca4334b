// glibc-shim.c -- the glibc-only symbols that Debian's libstdc++/libgcc_s need under musl
//
// Bun's musl builds need a C++ runtime built for musl, which Debian does not ship. Debian's
// glibc libstdc++.so.6 and libgcc_s.so.1 load under musl's loader once these symbols exist
// (the same idea as Alpine's gcompat). This only starts the *runtime*; the addon under test is
// built with musl-gcc and resolves every symbol it needs from musl's libc. Build (arm64: with
// aarch64-linux-musl-gcc, from Debian's multiarch musl-dev:arm64):
//   musl-gcc -shared -fPIC -O2 -o libglibcshim.so glibc-shim.c
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <time.h>

uint32_t arc4random(void) {
  uint32_t value = 0;
  while (getrandom(&value, sizeof value, 0) != sizeof value) {
  }
  return value;
}

size_t __strftime_l(char *s, size_t n, const char *format, const struct tm *tm, locale_t loc) {
  return strftime_l(s, n, format, tm, loc);
}

// thread_local destructors are not run at thread exit under this shim (the runtime still works).
int __cxa_thread_atexit_impl(void (*dtor)(void *), void *obj, void *dso) {
  (void)dtor;
  (void)obj;
  (void)dso;
  return 0;
}

// 0 = "maybe several threads": libstdc++ then always uses atomic reference counts.
char __libc_single_threaded = 0;

// -1 = "not found": libgcc's unwinder falls back to dl_iterate_phdr, which musl has.
int _dl_find_object(void *pc, void *result) {
  (void)pc;
  (void)result;
  return -1;
}

// No CPU features reported: libgcc takes its generic paths.
struct {
  unsigned int vendor, type, subtype;
  unsigned int features[1];
} __cpu_model;

int __cpu_indicator_init(void) { return 0; }

// glibc's internal alias of getauxval, which aarch64's libgcc and libstdc++ call (HWCAP checks).
unsigned long __getauxval(unsigned long type) { return getauxval(type); }
