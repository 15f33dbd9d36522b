/* Slots, the derivation tree, and the lifecycle of caps (cnode.c, objecttype.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

/* ---- the derivation tree ---------------------------------------------------------- */
/* Put new_cap (derived from the cap in src) into the empty slot dest as src's child. */
void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest);
/* Put an original cap (no parent) into the empty slot dest (boot, Retype results use
 * cte_insert with the untyped as parent). */
void cte_insert_root(cap_t cap, cte_t *dest);
/* Move the cap in src (replaced by new_cap) to the empty slot dest; src becomes empty. */
void cte_move(cap_t new_cap, cte_t *src, cte_t *dest);
/* Exchange two slots' contents (Rotate with src == dest). */
void cte_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2);
/* Put the original cap of a freshly created object into the empty slot dest, as a
 * revocable child of parent (the untyped it was retyped from). */
void cte_insert_new(cap_t cap, cte_t *parent, cte_t *dest);
bool cte_has_children(const cte_t *slot);
bool cte_is_parent_of(const cte_t *parent, const cte_t *child);
/* Syscall-error checks used by several decoders: DeleteFirst / RevokeFirst. */
status_t ensure_empty_slot(const cte_t *slot);
status_t ensure_no_children(const cte_t *slot);
/* Would deleting this cap destroy a CNode or TCB (a long, preemptible deletion)? */
bool cap_delete_is_long_running(const cte_t *slot);

/* Delete the cap in a slot; if it is the last cap to its object, destroy the object.
 * Preemptible: may return ERR_PREEMPTED (call again to continue). */
status_t cte_delete(cte_t *slot, bool exposed);
/* Delete a cap that cannot need recursive work (not a CNode/TCB/Zombie final cap). */
void cte_delete_one(cte_t *slot);
/* Delete every descendant of the cap in slot. Preemptible. */
status_t cte_revoke(cte_t *slot);

/* ---- properties of caps ----------------------------------------------------------- */
/* Arch caps have odd tags (ABI (l) cap-type table); their hooks are in vspace.h. */
static inline bool cap_is_arch(cap_t c) { return cap_type(c) & 1; }
/* The slots a zombie destroys: a CNode's, or its TCB's own (zombie_remaining of them
 * are still to be emptied, from the last one down). */
static inline cte_t *zombie_slots(cap_t z)
{
    return zombie_kind(z) == ZOMBIE_TCB ? tcb_slot((tcb_t *)cap_ptr(z), 0) : (cte_t *)cap_ptr(z);
}
static inline word_t zombie_capacity(cap_t z)
{
    return zombie_kind(z) == ZOMBIE_TCB ? TCB_NUM_SLOTS : BIT(zombie_kind(z));
}
bool is_final_cap(const cte_t *slot);        /* no other cap refers to the same object */
bool same_region_as(cap_t a, cap_t b);       /* b's object lies within a's */
bool same_object_as(cap_t a, cap_t b);
bool cap_is_physical(cap_t c);               /* refers to memory (has an object address) */
word_t cap_object_size_bits(cap_t c);

/* The cap that a Copy/Mint/extra-cap transfer produces, or an error (e.g. a mapped frame
 * copies unmapped; IRQControl, zombies and reply caps cannot be copied). */
status_t derive_cap(cte_t *slot, cap_t cap, cap_t *out);
/* Apply Mint/Mutate data (badge or CNode guard). Returns the null cap when not allowed. */
cap_t update_cap_data(bool preserve, word_t data, cap_t cap);
/* Intersect with a seL4_CapRights word (ABI (c), (j)). */
cap_t mask_cap_rights(word_t rights, cap_t cap);

/* ---- object lifecycle (objecttype.c dispatches to each object's file) -------------- */
/* Cap for a freshly retyped object of 'type' at paddr (memory already zeroed). */
cap_t create_object(word_t type, paddr_t paddr, word_t size_bits, bool device);
word_t object_size_bits(word_t type, word_t user_size_bits);   /* 0 if invalid */
/* Release what the object holds when its last cap goes (or a non-final cap's own
 * mappings). Returns the cap to leave in the slot while destruction continues (a
 * zombie for CNodes/TCBs) or the null cap when done. */
cap_t finalise_cap(cap_t cap, bool final, bool exposed);
