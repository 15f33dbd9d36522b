/*
 * Untyped memory and Untyped_Retype.
 *
 * An untyped cap hands out its memory from the bottom up: its watermark (free index,
 * bytes from the base) only grows while objects made from it exist. When it has no
 * children left, the next Retype resets it: the used part is cleared (preemptibly) and
 * allocation starts again at 0. So the memory above the watermark of a non-device
 * untyped is always zero, and new objects need no clearing of their own.
 */
#include <keel/untyped.h>
#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/invocation.h>
#include <keel/vspace.h>
#include <keel/kernel.h>

/* What a validated Retype will do. */
typedef struct retype {
    word_t type;
    word_t user_size_bits;     /* the size_bits argument (untyped/CNode/SC sizes) */
    word_t obj_bits;           /* each object is 2^obj_bits bytes */
    cte_t *dest;               /* first destination slot */
    word_t count;
    bool   reset;              /* no children: clear the used memory, start at 0 */
    word_t start;              /* byte offset of the first object in the untyped */
} retype_t;

/* ---- decoding -------------------------------------------------------------------- */

/* Type and size checks, in the reference kernel's order. */
static status_t check_type_and_size(word_t type, word_t user_bits, word_t *obj_bits)
{
    if (type >= seL4_ObjectTypeCount)
        return fail_invalid_arg(0, "unknown object type");
    /* (A size_bits of 64 or more would overflow the size computation.) */
    if (user_bits >= seL4_WordBits)
        return fail_range(0, seL4_MaxUntypedBits, "object would be too big");
    *obj_bits = object_size_bits(type, user_bits);
    if (*obj_bits > seL4_MaxUntypedBits)
        return fail_range(0, seL4_MaxUntypedBits, "object would be too big");
    if (type == seL4_CapTableObject && user_bits == 0)
        return fail_invalid_arg(1, "a CNode needs at least 1 radix bit");
    if (type == seL4_UntypedObject && user_bits < seL4_MinUntypedBits)
        return fail_invalid_arg(1, "untyped size_bits below the minimum (4)");
    if (type == seL4_SchedContextObject && user_bits < seL4_MinSchedContextBits)
        return fail_invalid_arg(1, "scheduling context size_bits below the minimum (7)");
    return OK;
}

/* The CNode the new caps go in: depth 0 names the root cap itself. */
static status_t lookup_dest_cnode(cap_t root, word_t index, word_t depth, cap_t *node)
{
    cte_t *slot;
    status_t st;

    if (depth == 0) {
        *node = root;
    } else {
        st = lookup_target_slot(root, index, depth, &slot);
        if (st != OK)
            return st;
        *node = slot->cap;
    }
    if (cap_type(*node) != cap_cnode_cap) {
        lookup_fail_missing_cap(depth);
        return fail_lookup(false, "destination is not a CNode");
    }
    return OK;
}

/* The window [offset, offset + count) must lie in the CNode and be empty. */
static status_t check_dest_window(cap_t node, word_t offset, word_t count)
{
    word_t slots = BIT(cnode_radix(node));
    cte_t *cnode = cnode_slots(node);
    status_t st;

    if (offset > slots - 1)
        return fail_range(0, slots - 1, "node_offset beyond the CNode");
    if (count < 1 || count > KEEL_RETYPE_FAN_OUT_LIMIT)
        return fail_range(1, KEEL_RETYPE_FAN_OUT_LIMIT, "num_objects must be 1..256");
    if (count > slots - offset)
        return fail_range(1, slots - offset, "window runs past the end of the CNode");
    for (word_t i = offset; i < offset + count; i++) {
        st = ensure_empty_slot(&cnode[i]);
        if (st != OK)
            return st;
    }
    return OK;
}

/* Where the objects go, and whether they fit. */
static status_t place_objects(cte_t *ut_slot, retype_t *r)
{
    cap_t ut = ut_slot->cap;
    word_t used, free_bytes;

    /* With no children left nothing uses the memory: start again from the bottom. */
    r->reset = !cte_has_children(ut_slot);
    used = r->reset ? 0 : untyped_free_index(ut);
    free_bytes = BIT(untyped_size_bits(ut)) - used;

    /* Enough room counts whole objects; aligning the start up cannot lose one,
     * because the untyped's end is aligned to any object size that fits at all. */
    if ((free_bytes >> r->obj_bits) < r->count)
        return fail_not_enough_memory(free_bytes, "not enough free memory in the untyped");
    if (untyped_is_device(ut) && !arch_is_frame_type(r->type) && r->type != seL4_UntypedObject)
        return fail_invalid_arg(1, "device memory can only become frames or untypeds");
    r->start = untyped_next_offset(used, r->obj_bits);
    return OK;
}

/* ---- performing ---------------------------------------------------------------------- */

/*
 * Clear the used part of an untyped, top down, one chunk per preemption point. The
 * watermark follows the cleared part down, so a preempted reset resumes where it
 * stopped and the memory above the watermark stays zero throughout.
 */
static status_t reset_untyped(cte_t *ut_slot)
{
    cap_t ut = ut_slot->cap;
    word_t used = untyped_free_index(ut);
    word_t size_bits = untyped_size_bits(ut);
    char *base = cap_ptr(ut);
    status_t st;

    if (used == 0)
        return OK;
    if (untyped_is_device(ut) || size_bits < UNTYPED_RESET_CHUNK_BITS) {
        /* Device memory is never cleared (it may be a device's registers). */
        if (!untyped_is_device(ut))
            memset(base, 0, BIT(size_bits));
        ut_slot->cap.w1 = 0;
        return OK;
    }
    for (word_t off = ROUND_DOWN(used - 1, UNTYPED_RESET_CHUNK_BITS);;
         off -= BIT(UNTYPED_RESET_CHUNK_BITS)) {
        memset(base + off, 0, BIT(UNTYPED_RESET_CHUNK_BITS));
        ut_slot->cap.w1 = off;
        if (off == 0)
            return OK;
        st = preemption_point();
        if (st != OK)
            return st;
    }
}

static status_t perform_retype(cte_t *ut_slot, const retype_t *r)
{
    paddr_t base;
    bool device = untyped_is_device(ut_slot->cap);
    status_t st;

    if (r->reset) {
        st = reset_untyped(ut_slot);
        if (st != OK)
            return st;
    }
    base = cap_paddr(ut_slot->cap);
    ut_slot->cap.w1 = r->start + (r->count << r->obj_bits);

    for (word_t i = 0; i < r->count; i++) {
        paddr_t p = base + r->start + (i << r->obj_bits);
        cte_insert_new(create_object(r->type, p, r->user_size_bits, device), ut_slot, &r->dest[i]);
    }
    return OK;
}

/*
 * Untyped_Retype(type, size_bits, root, node_index, node_depth, node_offset, num_objects)
 * = MR0, MR1, extra cap 0, MR2..MR5.
 */
status_t decode_untyped_invocation(invocation_t *inv)
{
    retype_t r = { 0 };
    cap_t node;
    word_t offset;
    status_t st;

    if (inv->label != UntypedRetype)
        return fail_illegal("not an Untyped method");
    if (inv->length < 6 || inv->extra_count < 1)
        return fail_truncated("Retype needs 6 words and a root CNode cap");

    r.type = inv_mr(inv, 0);
    r.user_size_bits = inv_mr(inv, 1);
    offset = inv_mr(inv, 4);
    r.count = inv_mr(inv, 5);

    st = check_type_and_size(r.type, r.user_size_bits, &r.obj_bits);
    if (st != OK)
        return st;
    st = lookup_dest_cnode(inv->extra[0].cap, inv_mr(inv, 2), inv_mr(inv, 3), &node);
    if (st != OK)
        return st;
    st = check_dest_window(node, offset, r.count);
    if (st != OK)
        return st;
    r.dest = cnode_slots(node) + offset;
    st = place_objects(inv->slot, &r);
    if (st != OK)
        return st;
    return perform_retype(inv->slot, &r);
}
