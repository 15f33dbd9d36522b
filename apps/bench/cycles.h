/*
 * Keel benchmarks: the cycle counter and minimal system-call sequences.
 *
 * The measured syscalls are written as bare `svc` sequences following the seL4
 * AArch64 ABI (x0 = cap, x1 = msginfo, x2..x5 = MR0..MR3, x6 = reply cap, x7 = syscall
 * number), so a measurement contains only the instructions the kernel needs, not the
 * libsel4 stubs' copies of MR0..MR3 to and from the IPC buffer. Each sequence also
 * exists with `nop` in place of `svc`: timing that variant gives the overhead of
 * the measurement itself, which is subtracted from the results.
 */
#ifndef KEEL_BENCH_CYCLES_H
#define KEEL_BENCH_CYCLES_H

#include <stdint.h>
#include <sel4/sel4.h>

/* PMCCNTR_EL0: readable at EL0 when the kernel is built with CONFIG_EXPORT_PMU_USER=1. */
static inline uint64_t read_ccnt(void)
{
    uint64_t v;
    __asm__ volatile("mrs %0, pmccntr_el0" : "=r"(v) : : "memory");
    return v;
}

#define SVC "svc #0"
#define NOP "nop"

/* The syscall number a faulting thread uses: not a valid syscall, so it raises an
 * UnknownSyscall fault. */
#define BENCH_FAULT_SYSCALL 0x4b42

static inline seL4_Word msginfo(seL4_Word length)
{
    return seL4_MessageInfo_new(0, 0, 0, length).words[0];
}

/* Call: x0 = endpoint, x1 = msginfo. MR0..MR3 (x2..x5) are whatever the registers hold:
 * the message content does not matter to the cost. */
#define DEFINE_CALL(name, insn)                                                        \
    static inline void name(seL4_CPtr ep, seL4_Word info)                              \
    {                                                                                  \
        register seL4_Word x0 __asm__("x0") = ep;                                      \
        register seL4_Word x1 __asm__("x1") = info;                                    \
        register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysCall;                 \
        __asm__ volatile(insn : "+r"(x0), "+r"(x1) : "r"(x7)                           \
                         : "x2", "x3", "x4", "x5", "memory");                          \
    }
DEFINE_CALL(sys_call, SVC)
DEFINE_CALL(nop_call, NOP)

/* ReplyRecv (MCS): reply through `reply` (x6), then receive on `ep`. */
#define DEFINE_REPLY_RECV(name, insn)                                                  \
    static inline void name(seL4_CPtr ep, seL4_Word info, seL4_CPtr reply)             \
    {                                                                                  \
        register seL4_Word x0 __asm__("x0") = ep;                                      \
        register seL4_Word x1 __asm__("x1") = info;                                    \
        register seL4_Word x6 __asm__("x6") = reply;                                   \
        register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysReplyRecv;            \
        __asm__ volatile(insn : "+r"(x0), "+r"(x1) : "r"(x6), "r"(x7)                  \
                         : "x2", "x3", "x4", "x5", "memory");                          \
    }
DEFINE_REPLY_RECV(sys_reply_recv, SVC)
DEFINE_REPLY_RECV(nop_reply_recv, NOP)

/* Recv (MCS): receive on `ep` with reply object `reply`. */
static inline void sys_recv(seL4_CPtr ep, seL4_CPtr reply)
{
    register seL4_Word x0 __asm__("x0") = ep;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x6 __asm__("x6") = reply;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysRecv;
    __asm__ volatile(SVC : "+r"(x0), "+r"(x1) : "r"(x6), "r"(x7)
                     : "x2", "x3", "x4", "x5", "memory");
}

/* Signal: Send with an empty message to a notification. */
#define DEFINE_SIGNAL(name, insn)                                                      \
    static inline void name(seL4_CPtr ntfn)                                            \
    {                                                                                  \
        register seL4_Word x0 __asm__("x0") = ntfn;                                    \
        register seL4_Word x1 __asm__("x1") = 0;                                       \
        register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysSend;                 \
        __asm__ volatile(insn : "+r"(x0), "+r"(x1) : "r"(x7) : "memory");              \
    }
DEFINE_SIGNAL(sys_signal, SVC)
DEFINE_SIGNAL(nop_signal, NOP)

/* Wait on a notification (returns the badge in x0, msginfo in x1). */
static inline void sys_wait(seL4_CPtr ntfn)
{
    register seL4_Word x0 __asm__("x0") = ntfn;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysWait;
    __asm__ volatile(SVC : "+r"(x0), "+r"(x1) : "r"(x7)
                     : "x2", "x3", "x4", "x5", "memory");
}

static inline void sys_yield(void)
{
    register seL4_Word x7 __asm__("x7") = (seL4_Word)seL4_SysYield;
    __asm__ volatile(SVC : : "r"(x7) : "memory");
}

/* An unknown syscall: the kernel sends an UnknownSyscall fault to the thread's fault
 * handler. The handler's reply may rewrite x0..x7 (they are all outputs here). */
#define DEFINE_UNKNOWN_SYSCALL(name, insn)                                             \
    static inline void name(void)                                                      \
    {                                                                                  \
        register seL4_Word x0 __asm__("x0") = 0;                                       \
        register seL4_Word x1 __asm__("x1") = 0;                                       \
        register seL4_Word x7 __asm__("x7") = BENCH_FAULT_SYSCALL;                     \
        __asm__ volatile(insn : "+r"(x0), "+r"(x1), "+r"(x7) :                         \
                         : "x2", "x3", "x4", "x5", "x6", "memory");                    \
    }
DEFINE_UNKNOWN_SYSCALL(sys_unknown, SVC)
DEFINE_UNKNOWN_SYSCALL(nop_unknown, NOP)

#endif /* KEEL_BENCH_CYCLES_H */
