/*
 * The saved user context of a thread: index names, and the AArch64 register roles of the
 * syscall ABI (ABI.md (a)). The exception entry code (entry.S) stores the registers in
 * exactly this order, so the layout here and there must change together.
 */
#pragma once

/* Indices into user_context_t.regs */
#define REG_X0        0      /* x0..x30 are 0..30 */
#define REG_SP        31     /* SP_EL0 */
#define REG_PC        32     /* ELR_EL1: where the thread resumes */
#define REG_SPSR      33
#define REG_TPIDR     34     /* TPIDR_EL0 (TLS base) */
#define REG_TPIDRRO   35     /* TPIDRRO_EL0 */
#define REG_FAULT_IP  36     /* address of the instruction that trapped; restart point */
#define NUM_CONTEXT_REGS 38  /* one spare keeps the FPU area 16-byte aligned */

/* Syscall register roles */
#define REG_CAP       0      /* x0: invoked/received cptr; badge on return */
#define REG_BADGE     0
#define REG_MSGINFO   1      /* x1 */
#define REG_MR0       2      /* x2..x5 = MR0..MR3 */
#define REG_REPLY     6      /* x6: reply cptr (Recv/ReplyRecv/NBSendRecv); dest of NBSendWait */
#define REG_SYSNO     7      /* x7 */
#define REG_NBSEND_DEST 8    /* x8: send destination of NBSendRecv */
#define NUM_MSG_REGISTERS 4  /* MRs carried in registers */

#define FPU_CONTEXT_BYTES (32 * 16 + 16)   /* q0..q31, fpsr, fpcr */
#define CONTEXT_BYTES (NUM_CONTEXT_REGS * 8 + FPU_CONTEXT_BYTES)

#ifndef __ASSEMBLER__
#include <keel/types.h>

typedef struct user_context {
    word_t regs[NUM_CONTEXT_REGS];
    struct {
        __uint128_t q[32];
        word_t fpsr, fpcr;
    } fpu;
} user_context_t;

STATIC_ASSERT(sizeof(user_context_t) == CONTEXT_BYTES, "entry.S relies on this layout");

/* SPSR a user thread may hold: flags from the user, EL0t with FIQ masked (ABI (f)). */
static inline word_t sanitise_spsr(word_t v) { return (v & 0xf0000000ull) | 0x40; }
#endif
