/* Keel user libc: memory allocation, process exit, conversions, PRNG. */
#pragma once

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fffffff

/*
 * malloc is a bump allocator over a static heap (default 1 MiB). free() only
 * reclaims the most recent allocation; otherwise memory is not reused. A program
 * can supply its own heap by defining
 *     void __keel_heap_region(char **start, size_t *size);
 */
void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *ptr, size_t size);
void *aligned_alloc(size_t align, size_t size);
void free(void *ptr);
void __keel_heap_region(char **start, size_t *size);

/* exit() runs __keel_exit_hook (see <keel/runtime.h>): by default it prints the
 * status and suspends the calling thread. abort() is exit(EXIT_FAILURE) with a message. */
_Noreturn void exit(int status);
_Noreturn void abort(void);

int abs(int x);
long labs(long x);
int atoi(const char *s);
long atol(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);

/* Deterministic pseudo-random numbers (same sequence on every run). */
int rand_r(unsigned int *seed);
int rand(void);
void srand(unsigned int seed);
