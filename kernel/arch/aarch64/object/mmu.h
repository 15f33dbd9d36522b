/*
 * Private interface between the AArch64 address-space files:
 *   vspace.c  page-table walks, PageTable and VSpace invocations, cap hooks, boot
 *   frame.c   frame (Page) invocations, unmapping frames, cache maintenance
 *   asid.c    the ASID table, ASID pools, ASIDControl and ASIDPool invocations
 * The rest of the kernel sees only keel/vspace.h and arch_decode_invocation().
 */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>
#include <keel/invocation.h>
#include <arch/pte.h>

/* ---- ASIDs (asid.c) -------------------------------------------------------------------
 * A 16-bit ASID is split into a pool number (high 7 bits) and an index in the pool (low 9
 * bits). The kernel's ASID table holds a pointer to each of the 128 possible pools; a pool
 * (a 4 KiB object made by ASIDControl_MakePool) maps each of its 512 ASIDs to a VSpace. */
#define ASID_LOW_BITS   seL4_ASIDPoolIndexBits
#define ASID_HIGH_BITS  seL4_NumASIDPoolsBits
#define NUM_ASID_POOLS  BIT(ASID_HIGH_BITS)
#define ASIDS_PER_POOL  BIT(ASID_LOW_BITS)
#define ASID_BITS       (ASID_LOW_BITS + ASID_HIGH_BITS)
static inline word_t asid_high(word_t asid) { return asid >> ASID_LOW_BITS; }
static inline word_t asid_low(word_t asid)  { return asid & MASK(ASID_LOW_BITS); }

typedef struct asid_pool {
    pte_t *vspace[ASIDS_PER_POOL];     /* kernel address of the VSpace's table, or NULL */
} asid_pool_t;
STATIC_ASSERT(sizeof(asid_pool_t) == BIT(seL4_ASIDPoolBits), "an ASID pool fills its object");

/* The ASID table (asid.c): pool i, or NULL. Only asid.c changes it. */
extern asid_pool_t *asid_table[NUM_ASID_POOLS];

/* The VSpace (level-0 table) currently assigned to asid, or NULL. Inline: it is on every
 * switch of address space (vspace_activate). */
static inline pte_t *asid_find_vspace(word_t asid)
{
    if (asid >= BIT(ASID_BITS))
        return NULL;
    asid_pool_t *pool = asid_table[asid_high(asid)];
    return pool ? pool->vspace[asid_low(asid)] : NULL;
}
/* Release asid if it still belongs to 'vspace' (VSpace deleted). Flushes its TLB entries. */
void asid_delete(word_t asid, pte_t *vspace);
/* Forget a pool being deleted and every ASID it handed out. */
void asid_pool_delete(word_t base, asid_pool_t *pool);
/* Boot: make 'pool' the pool of asid's range and give asid to 'vspace'. */
void asid_boot_install(asid_pool_t *pool, word_t asid, pte_t *vspace);
/* The pool of ASID-table entry index (the invariant checker walks the table). */
asid_pool_t *asid_debug_pool(word_t index);

status_t decode_asid_control_invocation(invocation_t *inv);
status_t decode_asid_pool_invocation(invocation_t *inv);

/* ---- VSpace caps and walks (vspace.c) ------------------------------------------------- */
/* A VSpace cap that has been given an ASID (seL4's "valid native root"). */
bool vspace_cap_has_asid(cap_t cap);
/* The table a VSpace cap (with an ASID) names, checked against the ASID table. Errors:
 * FailedLookup (the ASID is gone) or InvalidCapability cap_index (the ASID now belongs to
 * another VSpace). */
status_t vspace_root_of_cap(cap_t cap, word_t cap_index, pte_t **root);

/* Where a walk for vaddr stopped: the entry reached and the address bits it translates. */
typedef struct pt_slot {
    pte_t *slot;
    word_t bits_left;      /* 39 (level 0), 30, 21 or 12 (level 3) */
} pt_slot_t;

/* Walk from the VSpace root through present tables as far as possible (at most to
 * level 3). The slot returned is the first non-table entry on the way. */
pt_slot_t pt_lookup_slot(pte_t *root, vaddr_t vaddr);
/* Write one descriptor and make it visible to the table walker. */
void pte_store(pte_t *slot, pte_t value);

/* ---- frames (frame.c) ------------------------------------------------------------------ */
status_t decode_frame_invocation(invocation_t *inv);
/* Remove a frame's mapping if the entry at (asid, vaddr) still maps this frame. */
void unmap_page(word_t frame_size, word_t asid, vaddr_t vaddr, paddr_t frame);
/* VM rights of a present page entry (from its AP bits). */
word_t pte_vm_rights(pte_t pte);
/* Perform the cache operation named by a Clean/Invalidate/CleanInvalidate/Unify label on
 * physical memory [pstart, pstart + bytes). */
void cache_maintenance(word_t label, paddr_t pstart, word_t bytes);
