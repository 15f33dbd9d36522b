/* Address spaces on AArch64 (kernel/arch/aarch64/object/vspace.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

/* Make a thread's VSpace current (or the empty one if its VSpace cap is unusable). */
void vspace_activate(tcb_t *t);
/* Object creation/destruction hooks called by objecttype.c. */
cap_t arch_create_object(word_t type, paddr_t paddr, bool device);
cap_t arch_finalise_cap(cap_t cap, bool final);
bool  arch_same_region_as(cap_t a, cap_t b);
/* Same object: frames must also agree in size and device flag (a 4 KiB frame cap at the
 * base of a 2 MiB frame is in its region but is not the same object); other arch caps
 * as arch_same_region_as. */
bool  arch_same_object_as(cap_t a, cap_t b);
/* Frame object types (may be made from device untypeds; zeroed otherwise). */
bool  arch_is_frame_type(word_t type);
word_t arch_object_size_bits(word_t type);    /* 0 if not an arch type */
cap_t arch_mask_cap_rights(word_t rights, cap_t cap);
status_t arch_derive_cap(cap_t cap, cap_t *out);
/* Frame VM rights after masking with a seL4_CapRights word (ABI (j) table). */
word_t mask_vm_rights(word_t vm_rights, word_t rights_word);

/* ---- boot: building the root task's address space ------------------------------------- */
/* Each function maps an object whose memory boot.c allocated and returns the cap to put
 * in the root CNode. ASID pool 0 and ASID 1 are set up by vspace_boot_init. */
cap_t vspace_boot_init(paddr_t vspace_root, paddr_t asid_pool, word_t asid, cap_t *pool_cap);
/* Install a page table covering vaddr at the first missing level (returns its cap). */
cap_t vspace_boot_map_table(cap_t vspace, paddr_t table, vaddr_t vaddr);
/* Does mapping a 4 KiB page at vaddr still need a table? (the boot code asks before
 * allocating one; levels are filled top-down). */
bool  vspace_boot_needs_table(cap_t vspace, vaddr_t vaddr);
cap_t vspace_boot_map_frame(cap_t vspace, paddr_t frame, vaddr_t vaddr, bool executable);
