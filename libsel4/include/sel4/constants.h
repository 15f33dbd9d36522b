/*
 * Keel libsel4: constants. The numbers live in the generated <keel/abi_gen.h>
 * (from the ABI description); this header only adds seL4's alternative names.
 */
#pragma once

#include <keel/abi_gen.h>
#include <sel4/config.h>

#ifndef __ASSEMBLER__

/* Object types: seL4's split of the type list, expressed with the generated names. */
#define seL4_NonArchObjectTypeCount       seL4_ARM_HugePageObject
#define seL4_ModeObjectTypeCount          seL4_ARM_SmallPageObject
/* Older names still used by course material (AArch64 with 4-level tables). */
#define seL4_ARM_PageDirectoryObject      seL4_ARM_PageTableObject
#define seL4_ARM_PageUpperDirectoryObject seL4_ARM_PageTableObject
#define seL4_ARM_PageGlobalDirectoryObject seL4_ARM_VSpaceObject
#define seL4_ARCH_4KPage                  seL4_ARM_SmallPageObject
#define seL4_ARCH_LargePageObject         seL4_ARM_LargePageObject
#define seL4_ARCH_PageTableObject         seL4_ARM_PageTableObject
#define seL4_ARCH_VSpaceObject            seL4_ARM_VSpaceObject

/* Size names used by older code. */
#define seL4_PageDirBits                  seL4_PageTableBits
#define seL4_PageDirIndexBits             seL4_PageTableIndexBits
#define seL4_PUDBits                      seL4_PageTableBits
#define seL4_PUDIndexBits                 seL4_PageTableIndexBits
#define seL4_PGDBits                      seL4_VSpaceBits
#define seL4_PGDIndexBits                 seL4_VSpaceIndexBits

/* Architecture-neutral spellings. */
#define seL4_ARCH_Default_VMAttributes    seL4_ARM_Default_VMAttributes
#define seL4_ARCH_Uncached_VMAttributes   ((seL4_ARM_VMAttributes)0) /* no attribute bits */
#define seL4_ARCH_ASIDControl             seL4_ARM_ASIDControl
#define seL4_ARCH_ASIDPool                seL4_ARM_ASIDPool
#define seL4_ARCH_Page                    seL4_ARM_Page
#define seL4_ARCH_PageTable               seL4_ARM_PageTable
#define seL4_ARCH_VMAttributes            seL4_ARM_VMAttributes

/* Priorities. */
#define seL4_InvalidPrio                  (-1)
#define seL4_NumPrio                      KEEL_NUM_PRIORITIES


#endif /* !__ASSEMBLER__ */
