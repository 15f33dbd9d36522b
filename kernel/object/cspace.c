/*
 * Capability addressing (ABI.md (c)): turning a cptr into a slot by walking a tree of
 * CNodes.
 *
 * Each CNode cap on the way consumes guard_size + radix bits of the cptr, most
 * significant first: the guard bits must equal the cap's guard, the radix bits index the
 * CNode. The walk continues into the slot it reached while that slot holds a CNode cap
 * and bits remain.
 */
#include <keel/cspace.h>
#include <keel/cap.h>
#include <keel/kernel.h>

/* The 'bits' bits of cptr that end 'n' bits from the bottom (n >= bits). */
static word_t cptr_field(cptr_t cptr, word_t n, word_t bits)
{
    if (bits == 0)
        return 0;
    return (cptr >> (n - bits)) & MASK(bits);
}

status_t resolve_address_bits(cap_t root, cptr_t cptr, word_t n, cte_t **slot, word_t *bits_left)
{
    cap_t node = root;

    if (cap_type(node) != cap_cnode_cap)
        return lookup_fail_invalid_root();

    for (;;) {
        word_t radix = cnode_radix(node);
        word_t guard_size = cnode_guard_size(node);
        word_t level_bits = guard_size + radix;
        cte_t *reached;

        /* Radix 0 with no guard would translate nothing and loop forever; Retype never
         * makes such a CNode (size_bits >= 1). */
        kassert(level_bits != 0);

        if (guard_size > n || cptr_field(cptr, n, guard_size) != cnode_guard(node))
            return lookup_fail_guard_mismatch(n, cnode_guard(node), guard_size);
        if (level_bits > n)
            return lookup_fail_depth_mismatch(n, level_bits);

        reached = cnode_slots(node) + cptr_field(cptr, n - guard_size, radix);
        n -= level_bits;
        if (n == 0 || cap_type(reached->cap) != cap_cnode_cap) {
            /* Either everything is translated, or the walk stops at a slot that holds
             * no CNode with n bits untranslated (the caller decides whether that is
             * acceptable). */
            *slot = reached;
            *bits_left = n;
            return OK;
        }
        node = reached->cap;
    }
}

status_t lookup_slot(tcb_t *thread, cptr_t cptr, cte_t **slot)
{
    word_t bits_left;

    /* Implicit lookups accept a walk that stops early at a non-CNode cap. */
    return resolve_address_bits(tcb_slot(thread, TCB_CTABLE)->cap, cptr, seL4_WordBits,
                                slot, &bits_left);
}

status_t lookup_cap(tcb_t *thread, cptr_t cptr, cap_t *cap, cte_t **slot)
{
    cte_t *found;
    status_t st = lookup_slot(thread, cptr, &found);

    if (st != OK)
        return st;
    if (cap)
        *cap = found->cap;
    if (slot)
        *slot = found;
    return OK;
}

/*
 * The explicit (root, index, depth) lookup of CNode methods. Failures become syscall
 * errors: FailedLookup carries 'source' in MR0 and the lookup failure after it.
 */
static status_t lookup_slot_for_cnode_op(bool source, cap_t root, cptr_t index, word_t depth,
                                         cte_t **slot)
{
    cte_t *found;
    word_t bits_left;

    if (cap_type(root) != cap_cnode_cap) {
        lookup_fail_invalid_root();
        return fail_lookup(source, "root of an explicit lookup is not a CNode cap");
    }
    if (depth < 1 || depth > seL4_WordBits)
        return fail_range(1, seL4_WordBits, "lookup depth must be 1..64");
    if (resolve_address_bits(root, index, depth, &found, &bits_left) != OK)
        return fail_lookup(source, "slot address does not resolve");
    if (bits_left != 0) {
        /* The walk met a non-CNode cap before using up 'depth' bits. */
        lookup_fail_depth_mismatch(bits_left, 0);
        return fail_lookup(source, "depth does not end at a slot");
    }
    *slot = found;
    return OK;
}

status_t lookup_target_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot)
{
    return lookup_slot_for_cnode_op(false, root, index, depth, slot);
}

status_t lookup_source_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot)
{
    return lookup_slot_for_cnode_op(true, root, index, depth, slot);
}

status_t lookup_pivot_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot)
{
    return lookup_slot_for_cnode_op(true, root, index, depth, slot);
}
