/*
 * CNodes: the derivation tree of caps, deleting and revoking caps, and the CNode
 * methods (Revoke, Delete, CancelBadgedSends, Copy, Mint, Move, Mutate, Rotate).
 *
 * The derivation tree ("MDB") is kept as seL4 keeps it: a doubly-linked list through the
 * slots in depth-first order, so a cap's descendants are the run of slots right after
 * it. Which slot is whose parent is not stored; it follows from the caps themselves
 * (cte_is_parent_of). The list is a forest: every cap made at boot starts a list of its
 * own, and each derived or retyped cap is linked in right after its parent.
 *
 * Deleting the last cap to a CNode or TCB must first empty the slots inside that object,
 * which may hold the last caps to further CNodes, and so on. To keep this bounded and
 * preemptible, the dying cap is replaced by a Zombie that remembers how many of the
 * object's slots are still to be emptied; each step empties one slot and may be
 * preempted, and a restarted Delete/Revoke simply continues with the zombie.
 */
#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/invocation.h>
#include <keel/ipc.h>
#include <keel/vspace.h>
#include <keel/kernel.h>

/* ==== the derivation list ============================================================= */

static bool slot_is_unlinked(const cte_t *s)
{
    return cap_is_null(s->cap) && mdb_prev(s) == NULL && mdb_next(s) == NULL;
}

/* Make s's list neighbours point back at s (after s took over another slot's node). */
static void relink_neighbours(cte_t *s)
{
    if (mdb_prev(s))
        mdb_set_next(mdb_prev(s), s);
    if (mdb_next(s))
        mdb_set_prev(mdb_next(s), s);
}

/* Link dest into the list right after 'after', with the given flags. */
static void link_after(cte_t *after, cte_t *dest, bool revocable, bool first_badged)
{
    cte_t *next = mdb_next(after);

    dest->mdb_prev = after;
    dest->mdb_next_flags = 0;
    mdb_set_next(dest, next);
    mdb_set_flags(dest, revocable, first_badged);
    mdb_set_next(after, dest);
    if (next)
        mdb_set_prev(next, dest);
}

/*
 * May the derived cap have children of its own? A badged endpoint/notification cap
 * minted from an unbadged one may (its badge can be revoked separately), as may IRQ
 * handler (and SGI) caps made from IRQControl and every untyped cap.
 */
static bool is_cap_revocable(cap_t derived, cap_t src)
{
    switch (cap_type(derived)) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        return cap_badge(derived) != cap_badge(src);
    case cap_irq_handler_cap:
    case cap_sgi_signal_cap:
        return cap_type(src) == cap_irq_control_cap;
    case cap_untyped_cap:
        return true;
    default:
        return false;
    }
}

/*
 * Copying an untyped cap: the copy may be retyped while the original still has a
 * watermark of its own; mark the original full so the two never hand out the same memory.
 */
static void mark_untyped_full_if_copied(cte_t *src, cap_t new_cap)
{
    cap_t s = src->cap;

    if (cap_type(s) == cap_untyped_cap && cap_type(new_cap) == cap_untyped_cap &&
        cap_paddr(s) == cap_paddr(new_cap) && untyped_size_bits(s) == untyped_size_bits(new_cap))
        src->cap.w1 = BIT(untyped_size_bits(s));
}

void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest)
{
    bool revocable = is_cap_revocable(new_cap, src->cap);

    kassert(slot_is_unlinked(dest));
    mark_untyped_full_if_copied(src, new_cap);
    dest->cap = new_cap;
    /* A revocable cap is also the first of its badge. */
    link_after(src, dest, revocable, revocable);
}

void cte_insert_new(cap_t cap, cte_t *parent, cte_t *dest)
{
    kassert(slot_is_unlinked(dest));
    dest->cap = cap;
    link_after(parent, dest, true, true);
}

void cte_insert_root(cap_t cap, cte_t *dest)
{
    kassert(slot_is_unlinked(dest));
    kassert(!cap_is_null(cap));
    dest->cap = cap;
    dest->mdb_prev = NULL;
    dest->mdb_next_flags = 0;
    mdb_set_flags(dest, true, true);
}

void cte_move(cap_t new_cap, cte_t *src, cte_t *dest)
{
    kassert(slot_is_unlinked(dest));
    /* dest takes over src's place in the list, flags and all. */
    dest->cap = new_cap;
    dest->mdb_prev = src->mdb_prev;
    dest->mdb_next_flags = src->mdb_next_flags;
    src->cap = cap_null();
    src->mdb_prev = NULL;
    src->mdb_next_flags = 0;
    relink_neighbours(dest);
}

void cte_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2)
{
    cte_t *prev = slot1->mdb_prev;
    word_t next_flags = slot1->mdb_next_flags;

    slot1->cap = cap2;
    slot2->cap = cap1;

    /* Exchange the list nodes... */
    slot1->mdb_prev = slot2->mdb_prev;
    slot1->mdb_next_flags = slot2->mdb_next_flags;
    slot2->mdb_prev = prev;
    slot2->mdb_next_flags = next_flags;

    /* ...and if the two were neighbours, each now names itself: it means the other. */
    if (mdb_prev(slot1) == slot1) mdb_set_prev(slot1, slot2);
    if (mdb_next(slot1) == slot1) mdb_set_next(slot1, slot2);
    if (mdb_prev(slot2) == slot2) mdb_set_prev(slot2, slot1);
    if (mdb_next(slot2) == slot2) mdb_set_next(slot2, slot1);

    relink_neighbours(slot1);
    relink_neighbours(slot2);
}

/* Unlink a slot's cap from the list and clear the slot. */
static void empty_slot(cte_t *slot)
{
    cte_t *prev = mdb_prev(slot), *next = mdb_next(slot);

    if (cap_is_null(slot->cap))
        return;
    if (prev)
        mdb_set_next(prev, next);
    if (next) {
        mdb_set_prev(next, prev);
        /* If this was the first cap with its badge, the next sibling inherits that,
         * so that a later badged Mint does not make it a child of a sibling. */
        if (mdb_first_badged(slot))
            mdb_set_flags(next, mdb_revocable(next), true);
    }
    slot->cap = cap_null();
    slot->mdb_prev = NULL;
    slot->mdb_next_flags = 0;
}

/* ==== parenthood and finality ========================================================= */

bool cte_is_parent_of(const cte_t *parent, const cte_t *child)
{
    word_t badge;

    if (!mdb_revocable(parent) || !same_region_as(parent->cap, child->cap))
        return false;

    switch (cap_type(parent->cap)) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        /* An unbadged original is the parent of every cap to the object; a badged one
         * only of later caps with its badge that do not start a badge of their own. */
        badge = cap_badge(parent->cap);
        if (badge == 0)
            return true;
        return badge == cap_badge(child->cap) && !mdb_first_badged(child);
    case cap_sgi_signal_cap:
        return !mdb_first_badged(child);
    default:
        return true;
    }
}

bool cte_has_children(const cte_t *slot)
{
    cte_t *next = mdb_next(slot);
    return next && cte_is_parent_of(slot, next);
}

status_t ensure_empty_slot(const cte_t *slot)
{
    if (!cap_is_null(slot->cap))
        return fail_delete_first("destination slot is occupied");
    return OK;
}

status_t ensure_no_children(const cte_t *slot)
{
    if (cte_has_children(slot))
        return fail_revoke_first("cap has children (revoke it first)");
    return OK;
}

/* Caps to the same object are neighbours in the list, so only those need checking. */
bool is_final_cap(const cte_t *slot)
{
    cte_t *prev = mdb_prev(slot), *next = mdb_next(slot);

    if (prev && same_object_as(prev->cap, slot->cap))
        return false;
    return !(next && same_object_as(slot->cap, next->cap));
}

bool cap_delete_is_long_running(const cte_t *slot)
{
    word_t t = cap_type(slot->cap);

    if (t != cap_thread_cap && t != cap_zombie_cap && t != cap_cnode_cap)
        return false;
    return is_final_cap(slot);
}

/* ==== making caps from caps ============================================================ */

status_t derive_cap(cte_t *slot, cap_t cap, cap_t *out)
{
    status_t st;

    if (cap_is_arch(cap))
        return arch_derive_cap(cap, out);

    switch (cap_type(cap)) {
    case cap_zombie_cap:
    case cap_irq_control_cap:
        /* Cannot be copied: the result is the null cap (the caller's error). */
        *out = cap_null();
        return OK;
    case cap_untyped_cap:
        /* A copy of an untyped with children could hand out memory twice. */
        st = ensure_no_children(slot);
        *out = st == OK ? cap : cap_null();
        return st;
    default:
        *out = cap;
        return OK;
    }
}

/* CNode cap data (ABI (c)): guard size in bits [5:0], guard above it. */
static cap_t cnode_with_guard_data(word_t data, cap_t cap)
{
    word_t guard_size = data & KEEL_CNODE_DATA_GUARD_SIZE_MASK;
    word_t guard = (data >> KEEL_CNODE_DATA_GUARD_SHIFT) & MASK(guard_size);

    if (guard_size + cnode_radix(cap) > seL4_WordBits)
        return cap_null();
    return cnode_cap_new(cap_paddr(cap), cnode_radix(cap), guard_size, guard);
}

cap_t update_cap_data(bool preserve, word_t data, cap_t cap)
{
    if (cap_is_arch(cap))
        return cap;      /* no arch cap takes cap data */

    switch (cap_type(cap)) {
    case cap_endpoint_cap:
    case cap_notification_cap:
        /* A badge is set once, by Mint, on an unbadged cap. */
        if (preserve || cap_badge(cap) != 0)
            return cap_null();
        cap.w1 = data;
        return cap;
    case cap_cnode_cap:
        return cnode_with_guard_data(data, cap);
    default:
        return cap;
    }
}

cap_t mask_cap_rights(word_t rights, cap_t cap)
{
    if (cap_is_arch(cap))
        return arch_mask_cap_rights(rights, cap);

    switch (cap_type(cap)) {
    case cap_endpoint_cap:
        /* The endpoint rights field uses the seL4_CapRights bit layout. */
        return cap_with_small(cap, 0, 4, cap_rights(cap) & rights & RIGHTS_ALL);
    case cap_notification_cap:
        return cap_with_small(cap, 0, 4, cap_rights(cap) & rights & (RIGHT_WRITE | RIGHT_READ));
    case cap_reply_cap:
        return reply_cap_new(cap_paddr(cap), reply_cap_can_grant(cap) && (rights & RIGHT_GRANT));
    default:
        return cap;
    }
}

/* ==== deletion ========================================================================= */

static cap_t zombie_with_remaining(cap_t z, word_t n)
{
    z.w1 = n;
    return z;
}

/* Can the slot be emptied now? Yes unless a zombie still has slots to clear (its own
 * slot does not count: emptying it is the last step). */
static bool cap_removable(cap_t rest, const cte_t *slot)
{
    word_t n;

    if (cap_is_null(rest))
        return true;
    kassert(cap_type(rest) == cap_zombie_cap);
    n = zombie_remaining(rest);
    return n == 0 || (n == 1 && zombie_slots(rest) == slot);
}

/* A zombie that sits in the first slot of the very object it destroys. */
static bool cap_cyclic_zombie(cap_t cap, const cte_t *slot)
{
    return cap_type(cap) == cap_zombie_cap && zombie_slots(cap) == slot;
}

static status_t finalise_slot(cte_t *slot, bool immediate, bool *removable);

/*
 * One step of destroying the object a zombie in 'slot' refers to.
 *
 * immediate (the user asked for this deletion): empty the object's last remaining slot
 * and count it off.
 * Otherwise (we are ourselves emptying some slot of an object being destroyed): rather
 * than recurse, swap the zombie into the first slot of its own object. It becomes a
 * "cyclic" zombie that nothing can name any more; its object is destroyed when the
 * untyped it came from is revoked (every zombie stays in the derivation list).
 */
static status_t reduce_zombie(cte_t *slot, bool immediate)
{
    cap_t z = slot->cap;
    cte_t *slots = zombie_slots(z);
    word_t n = zombie_remaining(z);
    status_t st;

    kassert(cap_type(z) == cap_zombie_cap && n > 0);

    if (!immediate) {
        kassert(slots != slot);
        if (cap_type(slots->cap) == cap_zombie_cap)
            kassert(zombie_slots(slots->cap) != slots);
        cte_swap(slots->cap, slots, slot->cap, slot);
        return OK;
    }

    st = cte_delete(&slots[n - 1], false);
    if (st != OK)
        return st;

    /* Emptying that slot may have swapped another zombie into ours, or emptied it. */
    if (cap_type(slot->cap) == cap_zombie_cap) {
        cap_t now = slot->cap;
        if (zombie_slots(now) == slots && zombie_remaining(now) == n &&
            zombie_kind(now) == zombie_kind(z)) {
            kassert(cap_is_null(slots[n - 1].cap));
            slot->cap = zombie_with_remaining(now, n - 1);
        } else {
            kassert(zombie_slots(now) == slot && slots != slot);
        }
    } else {
        kassert(cap_is_null(slot->cap));
    }
    return OK;
}

/*
 * Finalise the cap in a slot until it can be emptied. *removable says whether the caller
 * may empty the slot (false only for an unexposed deletion that met a cyclic zombie).
 */
static status_t finalise_slot(cte_t *slot, bool immediate, bool *removable)
{
    status_t st;

    while (!cap_is_null(slot->cap)) {
        cap_t rest = finalise_cap(slot->cap, is_final_cap(slot), false);

        if (cap_removable(rest, slot)) {
            *removable = true;
            return OK;
        }
        /* Keep the zombie in the slot: it is where a preempted deletion resumes. */
        slot->cap = rest;
        if (!immediate && cap_cyclic_zombie(rest, slot)) {
            *removable = false;
            return OK;
        }
        st = reduce_zombie(slot, immediate);
        if (st != OK)
            return st;
        st = preemption_point();
        if (st != OK)
            return st;
    }
    *removable = true;
    return OK;
}

status_t cte_delete(cte_t *slot, bool exposed)
{
    bool removable;
    status_t st = finalise_slot(slot, exposed, &removable);

    if (st != OK)
        return st;
    if (exposed || removable)
        empty_slot(slot);
    return OK;
}

void cte_delete_one(cte_t *slot)
{
    cap_t rest;

    if (cap_is_null(slot->cap))
        return;
    rest = finalise_cap(slot->cap, is_final_cap(slot), true);
    kassert(cap_removable(rest, slot));
    empty_slot(slot);
}

status_t cte_revoke(cte_t *slot)
{
    cte_t *child;
    status_t st;

    /* Descendants follow the cap directly; delete them one at a time from the front. */
    while ((child = mdb_next(slot)) != NULL && cte_is_parent_of(slot, child)) {
        st = cte_delete(child, true);
        if (st != OK)
            return st;
        st = preemption_point();
        if (st != OK)
            return st;
    }
    return OK;
}

/* ==== CNode methods ===================================================================== */

/* CancelBadgedSends needs full authority over the endpoint. */
static bool has_cancel_send_rights(cap_t cap)
{
    return cap_type(cap) == cap_endpoint_cap && cap_rights(cap) == RIGHTS_ALL;
}

static status_t decode_cancel_badged_sends(cte_t *dest)
{
    cap_t cap = dest->cap;

    if (!has_cancel_send_rights(cap))
        return fail_illegal("CancelBadgedSends needs an endpoint cap with all rights");
    /* An unbadged cap names no badge: nothing to cancel. */
    if (cap_badge(cap) != 0)
        endpoint_cancel_badged_sends(cap_ptr(cap), cap_badge(cap));
    return OK;
}

/* FailedLookup for an empty source/pivot slot: MissingCapability(bitsLeft = depth). */
static status_t fail_empty_slot(bool source, word_t depth, const char *why)
{
    lookup_fail_missing_cap(depth);
    return fail_lookup(source, why);
}

/* Copy, Mint, Move, Mutate: one source slot (extra cap 0 + MR2/MR3) into dest. */
static status_t decode_copy_family(invocation_t *inv, cte_t *dest)
{
    cte_t *src;
    cap_t new_cap;
    word_t src_depth;
    bool move = false;
    status_t st;

    if (inv->length < 4 || inv->extra_count < 1)
        return fail_truncated("needs source index and depth and a source root cap");
    src_depth = inv_mr(inv, 3);

    st = ensure_empty_slot(dest);
    if (st != OK)
        return st;
    st = lookup_source_slot(inv->extra[0].cap, inv_mr(inv, 2), src_depth, &src);
    if (st != OK)
        return st;
    if (cap_is_null(src->cap))
        return fail_empty_slot(true, src_depth, "source slot is empty");

    switch (inv->label) {
    case CNodeCopy:
        if (inv->length < 5)
            return fail_truncated("Copy needs a rights word");
        st = derive_cap(src, mask_cap_rights(inv_mr(inv, 4), src->cap), &new_cap);
        if (st != OK)
            return st;
        break;
    case CNodeMint:
        if (inv->length < 6)
            return fail_truncated("Mint needs rights and badge words");
        new_cap = update_cap_data(false, inv_mr(inv, 5), mask_cap_rights(inv_mr(inv, 4), src->cap));
        st = derive_cap(src, new_cap, &new_cap);
        if (st != OK)
            return st;
        break;
    case CNodeMove:
        new_cap = src->cap;
        move = true;
        break;
    default: /* CNodeMutate */
        if (inv->length < 5)
            return fail_truncated("Mutate needs a data word");
        new_cap = update_cap_data(true, inv_mr(inv, 4), src->cap);
        move = true;
        break;
    }

    if (cap_is_null(new_cap))
        return fail_illegal("the source cap cannot be copied or changed this way "
                            "(badged, guard too big, or not copyable)");
    if (move)
        cte_move(new_cap, src, dest);
    else
        cte_insert(new_cap, src, dest);
    return OK;
}

/*
 * Rotate: pivot -> dest (with MR2 as its new data), src -> pivot (with MR5). With
 * src == dest this exchanges the two caps.
 */
static status_t decode_rotate(invocation_t *inv, cte_t *dest)
{
    cte_t *src, *pivot;
    word_t pivot_depth, src_depth;
    cap_t new_src_cap, new_pivot_cap;
    status_t st;

    if (inv->length < 8 || inv->extra_count < 2)
        return fail_truncated("Rotate needs 8 words and pivot and source root caps");
    pivot_depth = inv_mr(inv, 4);
    src_depth = inv_mr(inv, 7);

    st = lookup_source_slot(inv->extra[1].cap, inv_mr(inv, 6), src_depth, &src);
    if (st != OK)
        return st;
    st = lookup_pivot_slot(inv->extra[0].cap, inv_mr(inv, 3), pivot_depth, &pivot);
    if (st != OK)
        return st;
    if (pivot == src || pivot == dest)
        return fail_illegal("pivot slot is the source or the destination slot");
    if (src != dest) {
        st = ensure_empty_slot(dest);
        if (st != OK)
            return st;
    }
    if (cap_is_null(src->cap))
        return fail_empty_slot(true, src_depth, "source slot is empty");
    if (cap_is_null(pivot->cap))
        return fail_empty_slot(false, pivot_depth, "pivot slot is empty");

    new_src_cap = update_cap_data(true, inv_mr(inv, 5), src->cap);
    new_pivot_cap = update_cap_data(true, inv_mr(inv, 2), pivot->cap);
    if (cap_is_null(new_src_cap))
        return fail_illegal("the source cap cannot take that data");
    if (cap_is_null(new_pivot_cap))
        return fail_illegal("the pivot cap cannot take that data");

    if (src == dest) {
        cte_swap(new_src_cap, src, new_pivot_cap, pivot);
    } else {
        cte_move(new_pivot_cap, pivot, dest);
        cte_move(new_src_cap, src, pivot);
    }
    return OK;
}

status_t decode_cnode_invocation(invocation_t *inv)
{
    cte_t *dest;
    status_t st;

    if (inv->label < CNodeRevoke || inv->label > CNodeRotate)
        return fail_illegal("not a CNode method");
    if (inv->length < 2)
        return fail_truncated("needs an index and a depth");
    st = lookup_target_slot(inv->cap, inv_mr(inv, 0), inv_mr(inv, 1), &dest);
    if (st != OK)
        return st;

    switch (inv->label) {
    case CNodeRevoke:
        return cte_revoke(dest);
    case CNodeDelete:
        return cte_delete(dest, true);
    case CNodeCancelBadgedSends:
        return decode_cancel_badged_sends(dest);
    case CNodeRotate:
        return decode_rotate(inv, dest);
    default:
        return decode_copy_family(inv, dest);
    }
}
