/*
 * Keel libsel4: decoding fault messages.
 *
 * A fault arrives as an IPC whose label is the fault type (enum seL4_FaultType) and
 * whose MRs are laid out as the generated seL4_<Fault>_<Field> indices say. Code may
 * read them directly with seL4_GetMR(seL4_VMFault_Addr) etc., or capture the whole
 * message with seL4_getFault() and use the accessors below.
 */
#pragma once

#include <sel4/functions.h>

#define KEEL_FAULT_MAX_MRS_ 20

typedef struct seL4_Fault {
    seL4_Word words[1 + KEEL_FAULT_MAX_MRS_];   /* [0] = type, [1 + i] = MR i */
} seL4_Fault_t;

LIBSEL4_INLINE_FUNC seL4_Fault_t seL4_getFault(seL4_MessageInfo_t tag)
{
    seL4_Fault_t f;
    seL4_Word len = seL4_MessageInfo_get_length(tag);
    f.words[0] = seL4_MessageInfo_get_label(tag);
    for (seL4_Word i = 0; i < KEEL_FAULT_MAX_MRS_; i++) {
        f.words[1 + i] = i < len ? seL4_GetMR((int)i) : 0;
    }
    return f;
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_Fault_get_seL4_FaultType(seL4_Fault_t f)
{
    return f.words[0];
}

LIBSEL4_INLINE_FUNC seL4_Word seL4_Fault_ptr_get_seL4_FaultType(seL4_Fault_t *f)
{
    return f->words[0];
}

#define KEEL_FAULT_GETTER_(F, field)                                                   \
    LIBSEL4_INLINE_FUNC seL4_Word seL4_Fault_##F##_get_##field(seL4_Fault_t f)         \
    {                                                                                 \
        return f.words[1 + seL4_##F##_##field];                                       \
    }

KEEL_FAULT_GETTER_(CapFault, IP)
KEEL_FAULT_GETTER_(CapFault, Addr)
KEEL_FAULT_GETTER_(CapFault, InRecvPhase)
KEEL_FAULT_GETTER_(CapFault, LookupFailureType)
KEEL_FAULT_GETTER_(CapFault, BitsLeft)
KEEL_FAULT_GETTER_(CapFault, DepthMismatch_BitsFound)
KEEL_FAULT_GETTER_(CapFault, GuardMismatch_GuardFound)
KEEL_FAULT_GETTER_(CapFault, GuardMismatch_BitsFound)
KEEL_FAULT_GETTER_(UnknownSyscall, X0)
KEEL_FAULT_GETTER_(UnknownSyscall, X1)
KEEL_FAULT_GETTER_(UnknownSyscall, X2)
KEEL_FAULT_GETTER_(UnknownSyscall, X3)
KEEL_FAULT_GETTER_(UnknownSyscall, X4)
KEEL_FAULT_GETTER_(UnknownSyscall, X5)
KEEL_FAULT_GETTER_(UnknownSyscall, X6)
KEEL_FAULT_GETTER_(UnknownSyscall, X7)
KEEL_FAULT_GETTER_(UnknownSyscall, FaultIP)
KEEL_FAULT_GETTER_(UnknownSyscall, SP)
KEEL_FAULT_GETTER_(UnknownSyscall, LR)
KEEL_FAULT_GETTER_(UnknownSyscall, SPSR)
KEEL_FAULT_GETTER_(UnknownSyscall, Syscall)
KEEL_FAULT_GETTER_(UserException, FaultIP)
KEEL_FAULT_GETTER_(UserException, SP)
KEEL_FAULT_GETTER_(UserException, SPSR)
KEEL_FAULT_GETTER_(UserException, Number)
KEEL_FAULT_GETTER_(UserException, Code)
KEEL_FAULT_GETTER_(VMFault, IP)
KEEL_FAULT_GETTER_(VMFault, Addr)
KEEL_FAULT_GETTER_(VMFault, PrefetchFault)
KEEL_FAULT_GETTER_(VMFault, FSR)
KEEL_FAULT_GETTER_(Timeout, Data)
KEEL_FAULT_GETTER_(Timeout, Consumed)

_Static_assert(seL4_UnknownSyscall_Length <= KEEL_FAULT_MAX_MRS_, "fault buffer too small");
