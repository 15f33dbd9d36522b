/* AArch64 kernel virtual memory layout (ABI.md (h)). */
#pragma once

#define PPTR_BASE        0xffffff8000000000ull  /* virtual address of physical 0 */
#define PPTR_TOP         0xffffffffc0000000ull  /* end of the physical window */
#define PADDR_TOP        (PPTR_TOP - PPTR_BASE)
#define KDEV_BASE        0xffffffffffe00000ull  /* kernel device pages */
#define KERNEL_ELF_PADDR 0x40000000ull
#define KERNEL_ELF_BASE  (PPTR_BASE + KERNEL_ELF_PADDR)
#define USER_TOP         0x00007fffffffffffull  /* last user virtual address */

#ifndef __ASSEMBLER__
#include <keel/types.h>

static inline void *pptr_of(paddr_t p) { return (void *)(uintptr_t)(p + PPTR_BASE); }
static inline paddr_t paddr_of(const void *p) { return (paddr_t)(uintptr_t)p - PPTR_BASE; }
#endif
