/*
 * Printing, panic and assertions for the kernel (and the host unit tests, which get
 * printing from kernel/lib/kprintf.c and panic from tests/host/fake_arch.c).
 *
 * The kernel has no libc: the few string functions it needs are in kernel/lib/string.c
 * and declared here. gcc may also emit calls to memset/memcpy on its own.
 */
#pragma once

#include <stdarg.h>
#include <keel/types.h>

/* KEEL_DEBUG=1 (the default) keeps assertions and debug printing in the kernel. */
#ifndef KEEL_DEBUG
#define KEEL_DEBUG 1
#endif

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/*
 * Formatted output to the kernel console. Conversions: %d %i %u %x %X %p %s %c %%,
 * with the length modifiers hh h l ll z t j, a field width (or '*'), '0' padding and
 * '-' left alignment. Returns the number of characters written.
 */
int kprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
int kvprintf(const char *fmt, va_list ap);
/* Like snprintf: always NUL-terminates (if size > 0), returns the untruncated length. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* CONFIG_PRINT_USER_ERRORS=0 keeps a debug kernel quiet about user mistakes (failed
 * invocations, faults without a handler), e.g. under the fuzzer, where they are the rule. */
#ifndef CONFIG_PRINT_USER_ERRORS
#define CONFIG_PRINT_USER_ERRORS 1
#endif

/* Print only in debug builds. */
#define kdebugf(...) do { if (KEEL_DEBUG) kprintf(__VA_ARGS__); } while (0)

/*
 * Print "KERNEL PANIC: <message>", the exception registers (ESR/FAR/ELR) and, when the
 * panic comes from an exception, the saved registers; then stop the machine with a
 * failure status. Never returns.
 */
NORETURN void panic(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Assertions: checked in debug builds only; a failure panics with file:line. */
#if KEEL_DEBUG
#define kassert(x)                                                                  \
    do {                                                                            \
        if (unlikely(!(x)))                                                         \
            panic("assertion '%s' failed at %s:%d in %s()", #x, __FILE__, __LINE__, \
                  __func__);                                                        \
    } while (0)
#else
#define kassert(x) do { (void)sizeof(x); } while (0)
#endif

/* The core may say assert(); host tests that include <assert.h> keep their own. */
#ifndef assert
#define assert(x) kassert(x)
#endif

/* Where the code should never get. */
#define UNREACHABLE() panic("unreachable code reached at %s:%d", __FILE__, __LINE__)

/* ---- String functions (kernel/lib/string.c) ----------------------------------------- */
void  *memset(void *dst, int c, size_t n);
void  *memcpy(void *dst, const void *src, size_t n);
void  *memmove(void *dst, const void *src, size_t n);
int    memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int    strcmp(const char *a, const char *b);
int    strncmp(const char *a, const char *b, size_t n);
char  *strncpy(char *dst, const char *src, size_t n);

/*
 * -ffreestanding stops gcc from treating these as the C library's functions, so a
 * memcpy of 16 bytes would be a call. Ask for the builtins: gcc expands small constant
 * sizes inline and calls ours otherwise. (Not on the host, not in string.c itself.)
 */
#if !defined(KEEL_HOST_TEST) && !defined(KEEL_STRING_IMPL)
#define memset(d, c, n)  __builtin_memset(d, c, n)
#define memcpy(d, s, n)  __builtin_memcpy(d, s, n)
#define memmove(d, s, n) __builtin_memmove(d, s, n)
#define memcmp(a, b, n)  __builtin_memcmp(a, b, n)
#endif
