/*
 * Keel libsel4: the data types of the user API.
 *
 * Bit positions and sizes come from the generated <keel/abi_gen.h>; layouts are
 * checked against it with static assertions at the end of this file.
 */
#pragma once

#include <sel4/macros.h>
#include <sel4/simple_types.h>
#include <sel4/constants.h>

/* ---- Capability-pointer aliases, one per object interface ------------------------- */
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_IRQHandler;
typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_DomainSet;
typedef seL4_CPtr seL4_SchedContext;
typedef seL4_CPtr seL4_SchedControl;
typedef seL4_CPtr seL4_Endpoint;
typedef seL4_CPtr seL4_Notification;
typedef seL4_CPtr seL4_Reply;
typedef seL4_CPtr seL4_ARM_Page;
typedef seL4_CPtr seL4_ARM_PageTable;
typedef seL4_CPtr seL4_ARM_PageDirectory;
typedef seL4_CPtr seL4_ARM_PageUpperDirectory;
typedef seL4_CPtr seL4_ARM_PageGlobalDirectory;
typedef seL4_CPtr seL4_ARM_VSpace;
typedef seL4_CPtr seL4_ARM_ASIDControl;
typedef seL4_CPtr seL4_ARM_ASIDPool;
typedef seL4_CPtr seL4_ARM_SMC;
typedef seL4_CPtr seL4_ARM_VCPU;
typedef seL4_CPtr seL4_ARM_IOSpace;
typedef seL4_CPtr seL4_ARM_IOPageTable;
typedef seL4_CPtr seL4_ARM_SIDControl;
typedef seL4_CPtr seL4_ARM_SID;
typedef seL4_CPtr seL4_ARM_CBControl;
typedef seL4_CPtr seL4_ARM_CB;

typedef enum seL4_ARM_VMAttributes seL4_ARM_VMAttributes;

typedef seL4_Word seL4_SlotPos;

/* ---- seL4_MessageInfo ---------------------------------------------------------------- */
typedef struct seL4_MessageInfo {
    seL4_Uint64 words[1];
} seL4_MessageInfo_t;

#define KEEL_FIELD_GET_(w, f) (((w) >> KEEL_MSGINFO_##f##_SHIFT) & KEEL_MSGINFO_##f##_MASK)
#define KEEL_FIELD_SET_(w, f, v) \
    (((w) & ~(KEEL_MSGINFO_##f##_MASK << KEEL_MSGINFO_##f##_SHIFT)) | \
     (((seL4_Uint64)(v) & KEEL_MSGINFO_##f##_MASK) << KEEL_MSGINFO_##f##_SHIFT))

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t
seL4_MessageInfo_new(seL4_Uint64 label, seL4_Uint64 capsUnwrapped, seL4_Uint64 extraCaps,
                     seL4_Uint64 length)
{
    seL4_MessageInfo_t m;
    m.words[0] = ((label & KEEL_MSGINFO_LABEL_MASK) << KEEL_MSGINFO_LABEL_SHIFT) |
                 ((capsUnwrapped & KEEL_MSGINFO_CAPS_UNWRAPPED_MASK) << KEEL_MSGINFO_CAPS_UNWRAPPED_SHIFT) |
                 ((extraCaps & KEEL_MSGINFO_EXTRA_CAPS_MASK) << KEEL_MSGINFO_EXTRA_CAPS_SHIFT) |
                 ((length & KEEL_MSGINFO_LENGTH_MASK) << KEEL_MSGINFO_LENGTH_SHIFT);
    return m;
}

#define KEEL_MSGINFO_ACCESSORS_(name, F)                                                     \
    LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_get_##name(seL4_MessageInfo_t m)      \
    {                                                                                       \
        return KEEL_FIELD_GET_(m.words[0], F);                                              \
    }                                                                                       \
    LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_MessageInfo_set_##name(seL4_MessageInfo_t m, \
                                                                    seL4_Uint64 v)          \
    {                                                                                       \
        m.words[0] = KEEL_FIELD_SET_(m.words[0], F, v);                                     \
        return m;                                                                           \
    }                                                                                       \
    LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_MessageInfo_ptr_get_##name(seL4_MessageInfo_t *m) \
    {                                                                                       \
        return KEEL_FIELD_GET_(m->words[0], F);                                             \
    }                                                                                       \
    LIBSEL4_INLINE_FUNC void seL4_MessageInfo_ptr_set_##name(seL4_MessageInfo_t *m,        \
                                                             seL4_Uint64 v)                 \
    {                                                                                       \
        m->words[0] = KEEL_FIELD_SET_(m->words[0], F, v);                                   \
    }

KEEL_MSGINFO_ACCESSORS_(label, LABEL)
KEEL_MSGINFO_ACCESSORS_(capsUnwrapped, CAPS_UNWRAPPED)
KEEL_MSGINFO_ACCESSORS_(extraCaps, EXTRA_CAPS)
KEEL_MSGINFO_ACCESSORS_(length, LENGTH)

/* ---- seL4_CapRights ---------------------------------------------------------------- */
typedef struct seL4_CapRights {
    seL4_Uint64 words[1];
} seL4_CapRights_t;

LIBSEL4_INLINE_FUNC seL4_CapRights_t
seL4_CapRights_new(seL4_Uint64 capAllowGrantReply, seL4_Uint64 capAllowGrant,
                   seL4_Uint64 capAllowRead, seL4_Uint64 capAllowWrite)
{
    seL4_CapRights_t r;
    r.words[0] = ((capAllowGrantReply & 1) << KEEL_RIGHT_GRANT_REPLY_SHIFT) |
                 ((capAllowGrant & 1) << KEEL_RIGHT_GRANT_SHIFT) |
                 ((capAllowRead & 1) << KEEL_RIGHT_READ_SHIFT) |
                 ((capAllowWrite & 1) << KEEL_RIGHT_WRITE_SHIFT);
    return r;
}

#define KEEL_RIGHTS_ACCESSORS_(name, SH)                                                   \
    LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CapRights_get_##name(seL4_CapRights_t r)        \
    {                                                                                     \
        return (r.words[0] >> SH) & 1;                                                    \
    }                                                                                     \
    LIBSEL4_INLINE_FUNC seL4_CapRights_t seL4_CapRights_set_##name(seL4_CapRights_t r,   \
                                                                   seL4_Uint64 v)         \
    {                                                                                     \
        r.words[0] = (r.words[0] & ~(1ull << SH)) | ((v & 1) << SH);                       \
        return r;                                                                         \
    }

KEEL_RIGHTS_ACCESSORS_(capAllowGrantReply, KEEL_RIGHT_GRANT_REPLY_SHIFT)
KEEL_RIGHTS_ACCESSORS_(capAllowGrant, KEEL_RIGHT_GRANT_SHIFT)
KEEL_RIGHTS_ACCESSORS_(capAllowRead, KEEL_RIGHT_READ_SHIFT)
KEEL_RIGHTS_ACCESSORS_(capAllowWrite, KEEL_RIGHT_WRITE_SHIFT)

/* The named rights are seL4_CapRights_t values (usable in initialisers). */
#define KEEL_RIGHTS_VALUE_(w)  ((seL4_CapRights_t){ { (w) } })
#define seL4_CanWrite      KEEL_RIGHTS_VALUE_(KEEL_RIGHT_WRITE_BIT)
#define seL4_CanRead       KEEL_RIGHTS_VALUE_(KEEL_RIGHT_READ_BIT)
#define seL4_CanGrant      KEEL_RIGHTS_VALUE_(KEEL_RIGHT_GRANT_BIT)
#define seL4_CanGrantReply KEEL_RIGHTS_VALUE_(KEEL_RIGHT_GRANT_REPLY_BIT)
#define seL4_AllRights     KEEL_RIGHTS_VALUE_(KEEL_RIGHTS_ALL_RIGHTS)
#define seL4_ReadWrite     KEEL_RIGHTS_VALUE_(KEEL_RIGHTS_READ_WRITE)
#define seL4_NoWrite       KEEL_RIGHTS_VALUE_(KEEL_RIGHTS_NO_WRITE)
#define seL4_NoRead        KEEL_RIGHTS_VALUE_(KEEL_RIGHTS_NO_READ)
#define seL4_NoRights      KEEL_RIGHTS_VALUE_(KEEL_RIGHTS_NO_RIGHTS)

/* ---- CNode cap data (guard encoding) ----------------------------------------------- */
typedef struct seL4_CNode_CapData {
    seL4_Uint64 words[1];
} seL4_CNode_CapData_t;

LIBSEL4_INLINE_FUNC seL4_CNode_CapData_t
seL4_CNode_CapData_new(seL4_Uint64 guard, seL4_Uint64 guardSize)
{
    seL4_CNode_CapData_t d;
    d.words[0] = ((guard & KEEL_CNODE_DATA_GUARD_MASK) << KEEL_CNODE_DATA_GUARD_SHIFT) |
                 ((guardSize & KEEL_CNODE_DATA_GUARD_SIZE_MASK) << KEEL_CNODE_DATA_GUARD_SIZE_SHIFT);
    return d;
}

LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CNode_CapData_get_guard(seL4_CNode_CapData_t d)
{
    return (d.words[0] >> KEEL_CNODE_DATA_GUARD_SHIFT) & KEEL_CNODE_DATA_GUARD_MASK;
}

LIBSEL4_INLINE_FUNC seL4_Uint64 seL4_CNode_CapData_get_guardSize(seL4_CNode_CapData_t d)
{
    return (d.words[0] >> KEEL_CNODE_DATA_GUARD_SIZE_SHIFT) & KEEL_CNODE_DATA_GUARD_SIZE_MASK;
}

/* "No cap data": leave the cap as it is (TCB_Configure/SetSpace, Mutate, Rotate). */
#define seL4_NilData ((seL4_Word)0)

/* ---- IPC buffer (ABI (b)) ---------------------------------------------------------- */
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} seL4_IPCBuffer __attribute__((__aligned__(KEEL_IPCBUF_ALIGN)));

/* ---- Register context (ABI (i)); field order is the TCB Read/WriteRegisters order -- */
typedef struct seL4_UserContext_ {
    seL4_Word pc, sp, spsr;
    seL4_Word x0, x1, x2, x3, x4, x5, x6, x7, x8;
    seL4_Word x16, x17, x18, x29, x30;
    seL4_Word x9, x10, x11, x12, x13, x14, x15;
    seL4_Word x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
    seL4_Word tpidr_el0, tpidrro_el0;
} seL4_UserContext;

/* Argument/result block of seL4_ARM_SMC_Call. */
typedef struct seL4_ARM_SMCContext_ {
    seL4_Word x0, x1, x2, x3, x4, x5, x6, x7;
} seL4_ARM_SMCContext;

/* ---- Layout checks against the ABI ------------------------------------------------- */
#define KEEL_WORD_AT_(type, field, idx) \
    _Static_assert(__builtin_offsetof(type, field) == (idx) * sizeof(seL4_Word), #type "." #field)

KEEL_WORD_AT_(seL4_IPCBuffer, tag, KEEL_IPCBUF_TAG);
KEEL_WORD_AT_(seL4_IPCBuffer, msg, KEEL_IPCBUF_MSG);
KEEL_WORD_AT_(seL4_IPCBuffer, userData, KEEL_IPCBUF_USER_DATA);
KEEL_WORD_AT_(seL4_IPCBuffer, caps_or_badges, KEEL_IPCBUF_CAPS_OR_BADGES);
KEEL_WORD_AT_(seL4_IPCBuffer, receiveCNode, KEEL_IPCBUF_RECEIVE_CNODE);
KEEL_WORD_AT_(seL4_IPCBuffer, receiveIndex, KEEL_IPCBUF_RECEIVE_INDEX);
KEEL_WORD_AT_(seL4_IPCBuffer, receiveDepth, KEEL_IPCBUF_RECEIVE_DEPTH);
_Static_assert(sizeof(seL4_IPCBuffer) == KEEL_IPCBUF_SIZE, "seL4_IPCBuffer size");
_Static_assert(sizeof(seL4_IPCBuffer) == (1u << seL4_IPCBufferSizeBits), "seL4_IPCBuffer size bits");

KEEL_WORD_AT_(seL4_UserContext, pc, KEEL_UC_PC);
KEEL_WORD_AT_(seL4_UserContext, sp, KEEL_UC_SP);
KEEL_WORD_AT_(seL4_UserContext, spsr, KEEL_UC_SPSR);
KEEL_WORD_AT_(seL4_UserContext, x0, KEEL_UC_X0);
KEEL_WORD_AT_(seL4_UserContext, x1, KEEL_UC_X1);
KEEL_WORD_AT_(seL4_UserContext, x2, KEEL_UC_X2);
KEEL_WORD_AT_(seL4_UserContext, x3, KEEL_UC_X3);
KEEL_WORD_AT_(seL4_UserContext, x4, KEEL_UC_X4);
KEEL_WORD_AT_(seL4_UserContext, x5, KEEL_UC_X5);
KEEL_WORD_AT_(seL4_UserContext, x6, KEEL_UC_X6);
KEEL_WORD_AT_(seL4_UserContext, x7, KEEL_UC_X7);
KEEL_WORD_AT_(seL4_UserContext, x8, KEEL_UC_X8);
KEEL_WORD_AT_(seL4_UserContext, x9, KEEL_UC_X9);
KEEL_WORD_AT_(seL4_UserContext, x10, KEEL_UC_X10);
KEEL_WORD_AT_(seL4_UserContext, x11, KEEL_UC_X11);
KEEL_WORD_AT_(seL4_UserContext, x12, KEEL_UC_X12);
KEEL_WORD_AT_(seL4_UserContext, x13, KEEL_UC_X13);
KEEL_WORD_AT_(seL4_UserContext, x14, KEEL_UC_X14);
KEEL_WORD_AT_(seL4_UserContext, x15, KEEL_UC_X15);
KEEL_WORD_AT_(seL4_UserContext, x16, KEEL_UC_X16);
KEEL_WORD_AT_(seL4_UserContext, x17, KEEL_UC_X17);
KEEL_WORD_AT_(seL4_UserContext, x18, KEEL_UC_X18);
KEEL_WORD_AT_(seL4_UserContext, x19, KEEL_UC_X19);
KEEL_WORD_AT_(seL4_UserContext, x20, KEEL_UC_X20);
KEEL_WORD_AT_(seL4_UserContext, x21, KEEL_UC_X21);
KEEL_WORD_AT_(seL4_UserContext, x22, KEEL_UC_X22);
KEEL_WORD_AT_(seL4_UserContext, x23, KEEL_UC_X23);
KEEL_WORD_AT_(seL4_UserContext, x24, KEEL_UC_X24);
KEEL_WORD_AT_(seL4_UserContext, x25, KEEL_UC_X25);
KEEL_WORD_AT_(seL4_UserContext, x26, KEEL_UC_X26);
KEEL_WORD_AT_(seL4_UserContext, x27, KEEL_UC_X27);
KEEL_WORD_AT_(seL4_UserContext, x28, KEEL_UC_X28);
KEEL_WORD_AT_(seL4_UserContext, x29, KEEL_UC_X29);
KEEL_WORD_AT_(seL4_UserContext, x30, KEEL_UC_X30);
KEEL_WORD_AT_(seL4_UserContext, tpidr_el0, KEEL_UC_TPIDR_EL0);
KEEL_WORD_AT_(seL4_UserContext, tpidrro_el0, KEEL_UC_TPIDRRO_EL0);
_Static_assert(sizeof(seL4_UserContext) == KEEL_UC_COUNT * sizeof(seL4_Word), "seL4_UserContext size");

_Static_assert(sizeof(seL4_MessageInfo_t) == sizeof(seL4_Word), "seL4_MessageInfo_t");
_Static_assert(sizeof(seL4_CapRights_t) == sizeof(seL4_Word), "seL4_CapRights_t");
