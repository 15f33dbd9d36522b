/*
 * Keel-specific extensions to the seL4 user API. Nothing here exists in seL4;
 * programs meant to run on both should not depend on it.
 */
#pragma once

#include <sel4/syscalls.h>

/* Debug syscall outside seL4's numbering: the kernel checks its internal
 * invariants and returns x0 = 0 if they all hold, non-zero otherwise. */
#define KEEL_SYS_DEBUG_CHECK_INVARIANTS (-64)

LIBSEL4_INLINE_FUNC seL4_Word keel_DebugCheckInvariants(void)
{
    register seL4_Word r0 __asm__("x0") = 0;
    register seL4_Word r7 __asm__("x7") = (seL4_Word)KEEL_SYS_DEBUG_CHECK_INVARIANTS;
    __asm__ volatile("svc #0" : "+r"(r0) : "r"(r7) : "memory");
    return r0;
}

/* Raw access for tests: registers x0..x8 (x7 = number) go in, x0..x8 come back. */
typedef struct keel_regs {
    seL4_Word x[9];
} keel_regs_t;

LIBSEL4_INLINE_FUNC void keel_RawSyscall(seL4_Word number, keel_regs_t *regs)
{
    register seL4_Word r0 __asm__("x0") = regs->x[0];
    register seL4_Word r1 __asm__("x1") = regs->x[1];
    register seL4_Word r2 __asm__("x2") = regs->x[2];
    register seL4_Word r3 __asm__("x3") = regs->x[3];
    register seL4_Word r4 __asm__("x4") = regs->x[4];
    register seL4_Word r5 __asm__("x5") = regs->x[5];
    register seL4_Word r6 __asm__("x6") = regs->x[6];
    register seL4_Word r7 __asm__("x7") = number;
    register seL4_Word r8 __asm__("x8") = regs->x[8];
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5), "+r"(r6),
                       "+r"(r7), "+r"(r8)
                     :
                     : "memory");
    regs->x[0] = r0;
    regs->x[1] = r1;
    regs->x[2] = r2;
    regs->x[3] = r3;
    regs->x[4] = r4;
    regs->x[5] = r5;
    regs->x[6] = r6;
    regs->x[7] = r7;
    regs->x[8] = r8;
}

/* Name of a kernel cap-type tag as returned by seL4_DebugCapIdentify. */
LIBSEL4_INLINE const char *keel_cap_tag_name(seL4_Uint32 tag)
{
    switch (tag) {
    case cap_null_cap: return "null";
    case cap_frame_cap: return "frame";
    case cap_untyped_cap: return "untyped";
    case cap_page_table_cap: return "page table";
    case cap_endpoint_cap: return "endpoint";
    case cap_notification_cap: return "notification";
    case cap_reply_cap: return "reply";
    case cap_vspace_cap: return "vspace";
    case cap_cnode_cap: return "cnode";
    case cap_asid_control_cap: return "ASID control";
    case cap_thread_cap: return "TCB";
    case cap_asid_pool_cap: return "ASID pool";
    case cap_irq_control_cap: return "IRQ control";
    case cap_irq_handler_cap: return "IRQ handler";
    case cap_zombie_cap: return "zombie";
    case cap_domain_cap: return "domain";
    case cap_sched_context_cap: return "sched context";
    case cap_sched_control_cap: return "sched control";
    case cap_sgi_signal_cap: return "SGI signal";
    default: return "?";
    }
}
