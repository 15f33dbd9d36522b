/*
 * Keel libsel4: object invocations. The stubs themselves are generated from
 * invocations.json into <sel4/invocation_stubs_gen.h>; this header adds the few
 * convenience wrappers and old names that seL4 programs expect.
 */
#pragma once

#include <sel4/syscalls.h>
#include <sel4/invocation_stubs_gen.h>

/* SchedControl_ConfigureFlags with no flags (seL4's convenience form). */
LIBSEL4_INLINE seL4_Error seL4_SchedControl_Configure(seL4_SchedControl _service,
                                                      seL4_SchedContext schedcontext,
                                                      seL4_Time budget, seL4_Time period,
                                                      seL4_Word extra_refills, seL4_Word badge)
{
    return seL4_SchedControl_ConfigureFlags(_service, schedcontext, budget, period, extra_refills,
                                            badge, seL4_SchedContext_NoFlag);
}

/* Architecture-neutral and pre-VSpace names used by older code and course material. */
#define seL4_ARCH_Page_Map                 seL4_ARM_Page_Map
#define seL4_ARCH_Page_Unmap               seL4_ARM_Page_Unmap
#define seL4_ARCH_Page_GetAddress          seL4_ARM_Page_GetAddress
#define seL4_ARCH_Page_GetAddress_t        seL4_ARM_Page_GetAddress_t
#define seL4_ARCH_PageTable_Map            seL4_ARM_PageTable_Map
#define seL4_ARCH_PageTable_Unmap          seL4_ARM_PageTable_Unmap
#define seL4_ARCH_ASIDPool_Assign          seL4_ARM_ASIDPool_Assign
#define seL4_ARCH_ASIDControl_MakePool     seL4_ARM_ASIDControl_MakePool
#define seL4_ARM_PageDirectory_Map         seL4_ARM_PageTable_Map
#define seL4_ARM_PageDirectory_Unmap       seL4_ARM_PageTable_Unmap
#define seL4_ARM_PageUpperDirectory_Map    seL4_ARM_PageTable_Map
#define seL4_ARM_PageUpperDirectory_Unmap  seL4_ARM_PageTable_Unmap
#define seL4_ARM_PageGlobalDirectory_Clean_Data           seL4_ARM_VSpace_Clean_Data
#define seL4_ARM_PageGlobalDirectory_Invalidate_Data      seL4_ARM_VSpace_Invalidate_Data
#define seL4_ARM_PageGlobalDirectory_CleanInvalidate_Data seL4_ARM_VSpace_CleanInvalidate_Data
#define seL4_ARM_PageGlobalDirectory_Unify_Instruction    seL4_ARM_VSpace_Unify_Instruction
