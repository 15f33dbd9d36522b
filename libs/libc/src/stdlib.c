/*
 * Keel user libc: allocation, exit, conversions, PRNG.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>
#include <sel4/sel4.h>
#include <keel/runtime.h>

__thread int errno;

/* ---- malloc: bump allocator ------------------------------------------------------- */

#define KEEL_DEFAULT_HEAP_BYTES (1024 * 1024)
static char default_heap[KEEL_DEFAULT_HEAP_BYTES] __attribute__((aligned(16)));

__attribute__((weak)) void __keel_heap_region(char **start, size_t *size)
{
    *start = default_heap;
    *size = sizeof(default_heap);
}

/* Each block is preceded by a 16-byte header holding its size. */
typedef struct block_header {
    size_t size;
    size_t pad;
} block_header_t;

static char *heap_base, *heap_top, *heap_end, *last_block;

static int heap_ready(void)
{
    if (heap_base == NULL) {
        size_t size = 0;
        __keel_heap_region(&heap_base, &size);
        if (heap_base == NULL) {
            return 0;
        }
        heap_top = heap_base;
        heap_end = heap_base + size;
    }
    return 1;
}

void *aligned_alloc(size_t align, size_t size)
{
    if (!heap_ready() || (align & (align - 1)) != 0) {
        errno = ENOMEM;
        return NULL;
    }
    if (align < 16) {
        align = 16;
    }
    uintptr_t p = ((uintptr_t)heap_top + sizeof(block_header_t) + align - 1) & ~(uintptr_t)(align - 1);
    size = (size + 15) & ~(size_t)15;
    if (size == 0) {
        size = 16;
    }
    if (p + size > (uintptr_t)heap_end || p + size < p) {
        errno = ENOMEM;
        return NULL;
    }
    block_header_t *h = (block_header_t *)(p - sizeof(block_header_t));
    h->size = size;
    last_block = (char *)p;
    heap_top = (char *)(p + size);
    return (void *)p;
}

void *malloc(size_t size)
{
    return aligned_alloc(16, size);
}

void *calloc(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(n * size);
    if (p != NULL) {
        memset(p, 0, n * size);
    }
    return p;
}

void free(void *ptr)
{
    /* Only the most recent block can be given back (stack-like use). */
    if (ptr != NULL && ptr == last_block) {
        heap_top = (char *)ptr - sizeof(block_header_t);
        last_block = NULL;
    }
}

void *realloc(void *ptr, size_t size)
{
    if (ptr == NULL) {
        return malloc(size);
    }
    block_header_t *h = (block_header_t *)((char *)ptr - sizeof(block_header_t));
    if (size <= h->size) {
        return ptr;
    }
    if (ptr == last_block && (char *)ptr + ((size + 15) & ~(size_t)15) <= heap_end) {
        h->size = (size + 15) & ~(size_t)15;
        heap_top = (char *)ptr + h->size;
        return ptr;
    }
    void *n = malloc(size);
    if (n != NULL) {
        memcpy(n, ptr, h->size);
    }
    return n;
}

/* ---- exit / abort ------------------------------------------------------------------ */

__attribute__((weak)) const char *__keel_progname = "keel-app";

__attribute__((weak)) void __keel_exit_hook(int status)
{
    printf("%s exited with status %d\n", __keel_progname, status);
    seL4_TCB_Suspend(seL4_CapInitThreadTCB);
}

_Noreturn void exit(int status)
{
    __keel_exit_hook(status);
    /* Still running (no suspend right over ourselves): stop with a fault on cap 0,
     * which leaves the thread inactive unless a fault handler intervenes. */
    for (;;) {
        seL4_Wait(seL4_CapNull, NULL);
        seL4_Yield();
    }
}

_Noreturn void abort(void)
{
    printf("%s: abort()\n", __keel_progname);
    exit(EXIT_FAILURE);
}

_Noreturn void __keel_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    printf("%s: %s:%d: %s: assertion '%s' failed\n", __keel_progname, file, line, func, expr);
    abort();
}

/* ---- conversions -------------------------------------------------------------------- */

int abs(int x)
{
    return x < 0 ? -x : x;
}

long labs(long x)
{
    return x < 0 ? -x : x;
}

static unsigned long long parse_unsigned(const char *s, char **end, int base, int *negative)
{
    const char *p = s;
    while (isspace((unsigned char)*p)) {
        p++;
    }
    *negative = 0;
    if (*p == '-' || *p == '+') {
        *negative = *p == '-';
        p++;
    }
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0 && p[0] == '0') {
        base = 8;
    } else if (base == 0) {
        base = 10;
    }
    unsigned long long v = 0;
    const char *digits_start = p;
    for (;; p++) {
        int d;
        if (isdigit((unsigned char)*p)) {
            d = *p - '0';
        } else if (isalpha((unsigned char)*p)) {
            d = tolower((unsigned char)*p) - 'a' + 10;
        } else {
            break;
        }
        if (d >= base) {
            break;
        }
        v = v * (unsigned)base + (unsigned)d;
    }
    if (end != NULL) {
        *end = (char *)(p == digits_start ? s : p);
    }
    return v;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    int neg;
    unsigned long long v = parse_unsigned(s, end, base, &neg);
    return neg ? 0 - v : v;
}

long long strtoll(const char *s, char **end, int base)
{
    int neg;
    unsigned long long v = parse_unsigned(s, end, base, &neg);
    return neg ? -(long long)v : (long long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    return (unsigned long)strtoull(s, end, base);
}

long strtol(const char *s, char **end, int base)
{
    return (long)strtoll(s, end, base);
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

long atol(const char *s)
{
    return strtol(s, NULL, 10);
}

/* ---- PRNG (linear congruential; deterministic) ------------------------------------- */

int rand_r(unsigned int *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return (int)((*seed >> 1) & RAND_MAX);
}

static unsigned int rand_state = 1;

int rand(void)
{
    return rand_r(&rand_state);
}

void srand(unsigned int seed)
{
    rand_state = seed;
}
