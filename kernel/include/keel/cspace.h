/* Capability addressing: resolving a cptr through a tree of CNodes (ABI.md (c)). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

/*
 * Walk from 'root' translating the top n bits of cptr. On OK, *slot is the slot reached
 * and *bits_left the bits not translated (non-zero when the walk stopped at a slot that
 * holds no CNode cap). Errors: ERR_LOOKUP with ks_lookup_fault.
 */
status_t resolve_address_bits(cap_t root, cptr_t cptr, word_t n, cte_t **slot, word_t *bits_left);

/* Implicit lookups from a thread's CSpace root at depth 64 (x0, x6, x8, extra caps...). */
status_t lookup_slot(tcb_t *thread, cptr_t cptr, cte_t **slot);
status_t lookup_cap(tcb_t *thread, cptr_t cptr, cap_t *cap, cte_t **slot);

/*
 * Explicit (root, index, depth) lookups of CNode methods, Retype destinations, IRQ and
 * ASID destination slots. Errors are syscall errors (ERR_SYSCALL): FailedLookup
 * (source flag as given) or RangeError for a bad depth.
 */
status_t lookup_target_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot);  /* dest */
status_t lookup_source_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot);  /* source */
status_t lookup_pivot_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot);   /* source */
