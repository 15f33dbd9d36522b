/* Host unit tests: kernel objects live in ordinary host memory, so the "physical"
 * address of an object is simply its host address. */
#pragma once

#define PPTR_BASE  0ull
#define USER_TOP   0x00007fffffffffffull

#ifndef __ASSEMBLER__
#include <keel/types.h>
static inline void *pptr_of(paddr_t p) { return (void *)(uintptr_t)p; }
static inline paddr_t paddr_of(const void *p) { return (paddr_t)(uintptr_t)p; }
#endif
