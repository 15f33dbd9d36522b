/* Basic types and bit helpers shared by the whole kernel (portable core, host-buildable). */
#pragma once

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef uint64_t word_t;
typedef int64_t sword_t;
typedef uint64_t paddr_t;   /* physical address */
typedef uint64_t vaddr_t;   /* user virtual address */
typedef uint64_t cptr_t;    /* capability pointer (user's name for a slot) */
typedef uint64_t ticks_t;   /* time in timer ticks */

#define BIT(n)          ((uint64_t)1 << (n))
#define MASK(n)         ((n) >= 64 ? ~(uint64_t)0 : BIT(n) - 1)
#define ROUND_DOWN(x, bits) ((x) & ~MASK(bits))
#define ROUND_UP(x, bits)   (((x) + MASK(bits)) & ~MASK(bits))
#define IS_ALIGNED(x, bits) (((x) & MASK(bits)) == 0)
#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b)       ((a) < (b) ? (a) : (b))
#define MAX(a, b)       ((a) > (b) ? (a) : (b))

#define UNUSED          __attribute__((unused))
#define NORETURN        __attribute__((noreturn))
#define PACKED          __attribute__((packed))
#define ALIGNED(n)      __attribute__((aligned(n)))
#define likely(x)       __builtin_expect(!!(x), 1)
#define unlikely(x)     __builtin_expect(!!(x), 0)

#define STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
