/* Keel libsel4: compiler helpers used by the other libsel4 headers. */
#pragma once

#define LIBSEL4_INLINE        static inline
#define LIBSEL4_INLINE_FUNC   static inline __attribute__((__always_inline__))
#define LIBSEL4_UNUSED        __attribute__((__unused__))
#define LIBSEL4_NORETURN      __attribute__((__noreturn__))
#define LIBSEL4_WEAK          __attribute__((__weak__))

#define SEL4_PACKED           __attribute__((__packed__))
#define SEL4_DEPRECATED(x)    __attribute__((__deprecated__(x)))
#define SEL4_COMPILE_ASSERT(name, expr) _Static_assert(expr, #name)

/* Makes an enum word-sized, as libsel4's enums are. */
#define SEL4_FORCE_LONG_ENUM(type) _enum_pad_##type = (1ULL << ((sizeof(long) * 8) - 1)) - 1

#define seL4_Null ((void *)0)
