/*
 * ASIDs: the 16-bit address-space identifiers that tag TLB entries (ABI (j)).
 *
 * The ASID table (kernel static data) points at up to 128 ASID pools; pool i hands out
 * ASIDs i*512 .. i*512+511. ASIDControl_MakePool turns a 4 KiB untyped into the next
 * free pool; ASIDPool_Assign gives a VSpace the pool's first free ASID. ASID 0 is never
 * handed out, so "asid 0" can never name a live VSpace.
 */
#include <keel/abi_gen.h>
#include <keel/arch_api.h>
#include <keel/cap.h>
#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/kernel.h>
#include <keel/state.h>
#include <keel/vspace.h>
#include "mmu.h"

STATIC_ASSERT(ASID_BITS == 16, "AArch64 ASIDs are 16 bits (TCR_EL1.AS = 1)");

asid_pool_t *asid_table[NUM_ASID_POOLS];     /* read by asid_find_vspace (mmu.h) */

/* ---- lookups ----------------------------------------------------------------------------- */

/* Index of the first pool slot without a pool, or NUM_ASID_POOLS. */
static word_t first_free_pool(void)
{
    word_t i = 0;
    while (i < NUM_ASID_POOLS && asid_table[i])
        i++;
    return i;
}

/* Index in 'pool' of its first unassigned ASID (skipping ASID 0), or ASIDS_PER_POOL. */
static word_t first_free_asid(const asid_pool_t *pool, word_t base)
{
    word_t i = 0;
    while (i < ASIDS_PER_POOL && (base + i == 0 || pool->vspace[i]))
        i++;
    return i;
}

/* ---- deletion ------------------------------------------------------------------------------ */

void asid_delete(word_t asid, pte_t *vspace)
{
    asid_pool_t *pool = asid_table[asid_high(asid)];
    if (!pool || pool->vspace[asid_low(asid)] != vspace)
        return;     /* the ASID was already taken away (its pool was deleted) */
    arch_tlb_flush_asid(asid);
    pool->vspace[asid_low(asid)] = NULL;
    /* The current thread may have been running in this VSpace. */
    vspace_activate(ks_cur_thread);
}

void asid_pool_delete(word_t base, asid_pool_t *pool)
{
    if (asid_table[asid_high(base)] != pool)
        return;
    for (word_t i = 0; i < ASIDS_PER_POOL; i++) {
        if (pool->vspace[i])
            arch_tlb_flush_asid(base + i);
    }
    asid_table[asid_high(base)] = NULL;
    vspace_activate(ks_cur_thread);
}

/* ---- boot ------------------------------------------------------------------------------------ */

void asid_boot_install(asid_pool_t *pool, word_t asid, pte_t *vspace)
{
    kassert(asid != 0 && asid < BIT(ASID_BITS));
    asid_table[asid_high(asid)] = pool;
    pool->vspace[asid_low(asid)] = vspace;
}

/* ---- ASIDControl_MakePool ------------------------------------------------------------------ */

static void perform_make_pool(cte_t *untyped_slot, cte_t *dest, word_t pool_index)
{
    cap_t untyped = untyped_slot->cap;
    paddr_t paddr = cap_paddr(untyped);
    word_t size_bits = untyped_size_bits(untyped);
    asid_pool_t *pool = pptr_of(paddr);

    /* The pool uses the untyped's memory entirely: mark it full, so Retype cannot hand
     * the memory out again while the pool cap (the untyped's child) exists. */
    untyped_slot->cap = untyped_cap_new(paddr, size_bits, false, BIT(size_bits));
    memset(pool, 0, sizeof(*pool));
    cte_insert(asid_pool_cap_new(paddr, pool_index << ASID_LOW_BITS), untyped_slot, dest);
    asid_table[pool_index] = pool;
}

static status_t decode_make_pool(invocation_t *inv)
{
    if (inv->length < 2 || inv->extra_count < 2)
        return fail_truncated("MakePool: needs index, depth, an untyped and a CNode");
    word_t index = inv_mr(inv, 0);
    word_t depth = inv_mr(inv, 1);
    cte_t *untyped_slot = inv->extra[0].slot;
    cap_t untyped = inv->extra[0].cap;
    cap_t root = inv->extra[1].cap;

    word_t pool_index = first_free_pool();
    if (pool_index == NUM_ASID_POOLS)
        return fail_delete_first("MakePool: all 128 ASID pools exist");
    if (cap_type(untyped) != cap_untyped_cap || untyped_size_bits(untyped) != seL4_ASIDPoolBits ||
        untyped_is_device(untyped))
        return fail_invalid_cap(1, "MakePool: extra cap 0 must be a 4 KiB non-device untyped");
    if (cte_has_children(untyped_slot))
        return fail_revoke_first("MakePool: the untyped has children");

    cte_t *dest;
    status_t s = lookup_target_slot(root, index, depth, &dest);
    if (s != OK)
        return s;
    if (!cap_is_null(dest->cap))
        return fail_delete_first("MakePool: destination slot is occupied");

    perform_make_pool(untyped_slot, dest, pool_index);
    return OK;
}

status_t decode_asid_control_invocation(invocation_t *inv)
{
    if (inv->label != ARMASIDControlMakePool)
        return fail_illegal("ASIDControl: unknown method");
    return decode_make_pool(inv);
}

/* ---- ASIDPool_Assign ------------------------------------------------------------------------- */

static status_t decode_assign(invocation_t *inv)
{
    if (inv->extra_count < 1)
        return fail_truncated("Assign: needs a VSpace cap");
    cte_t *vspace_slot = inv->extra[0].slot;
    cap_t vspace = inv->extra[0].cap;
    if (cap_type(vspace) != cap_vspace_cap || vspace_cap_has_asid(vspace))
        return fail_invalid_cap(1, "Assign: extra cap 0 must be a VSpace cap without an ASID");

    word_t base = asid_pool_base(inv->cap);
    asid_pool_t *pool = asid_table[asid_high(base)];
    if (!pool) {
        lookup_fail_invalid_root();
        return fail_lookup(false, "Assign: the pool's ASID range has no pool");
    }
    if (pool != cap_ptr(inv->cap))
        return fail_invalid_cap(0, "Assign: the pool cap is stale (another pool owns its range)");

    word_t i = first_free_asid(pool, base);
    if (i == ASIDS_PER_POOL)
        return fail_delete_first("Assign: every ASID of the pool is in use");

    /* Record the ASID in the caller's VSpace cap itself, as seL4 does. */
    pool->vspace[i] = cap_ptr(vspace);
    vspace_slot->cap = cap_set_mapping(vspace, base + i, 0);
    return OK;
}

status_t decode_asid_pool_invocation(invocation_t *inv)
{
    if (inv->label != ARMASIDPoolAssign)
        return fail_illegal("ASIDPool: unknown method");
    return decode_assign(inv);
}

/* ---- for the invariant checker ------------------------------------------------------------ */

asid_pool_t *asid_debug_pool(word_t index)
{
    return index < NUM_ASID_POOLS ? asid_table[index] : NULL;
}
