/*
 * Random CNode and Untyped operations on a host-built CSpace, checking the invariants
 * after every step.
 *
 * A thread's CSpace is a root CNode of 256 slots (guard 56, so cptr k names slot k). The
 * memory is a 128 KiB untyped whose original cap sits in a slot the thread cannot reach;
 * the thread works with a copy of it in root slot 3. Every step invokes a CNode or an
 * Untyped cap with random (mostly sensible, sometimes absurd) arguments, sometimes with
 * an interrupt pending so that long operations are preempted and then either restarted
 * or abandoned half-way, as a thread that never retries would leave them.
 *
 * After every step: the invariant checker passes, and a failed invocation changed
 * nothing. At the end, revoking the hidden original must recover all the memory: no
 * descendants remain, and a retype of one untyped covering the whole region succeeds
 * and finds it zeroed.
 *
 * Usage: test_random_ops [seed [steps]]   (defaults: fixed seed, 10000 steps)
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/invariants.h>
#include <keel/state.h>
#include "fake_arch.h"
#include "fake_objects.h"
#include "host_objects.h"

#define RADIX      8
#define ROOT       2            /* initially a copy of the root CNode cap */
#define UT         3            /* initially the thread's copy of the untyped */
#define UT_BITS    17
#define DEFAULT_SEED  0x6b65656c5eedull
#define DEFAULT_STEPS 10000

static word_t seed = DEFAULT_SEED;
static word_t steps = DEFAULT_STEPS;

static host_cspace_t cs;
static cte_t *hidden;           /* the untyped's original cap */
static paddr_t ut_base;

/* ---- randomness (xorshift64*) -------------------------------------------------------------- */

static word_t rng_state;

static word_t rnd64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static word_t rnd(word_t n) { return n ? rnd64() % n : 0; }
static bool chance(word_t percent) { return rnd(100) < percent; }

/* ---- statistics ------------------------------------------------------------------------------ */

enum op { OP_RETYPE, OP_COPY, OP_MINT, OP_MOVE, OP_MUTATE, OP_ROTATE, OP_DELETE, OP_REVOKE,
          OP_CANCEL, OP_GARBAGE, NUM_OPS };
static const char *op_names[NUM_OPS] = { "Retype", "Copy", "Mint", "Move", "Mutate", "Rotate",
                                         "Delete", "Revoke", "CancelBadgedSends", "garbage" };
static const char *error_names[seL4_NumErrors] = {
    "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation", "RangeError",
    "AlignmentError", "FailedLookup", "TruncatedMessage", "DeleteFirst", "RevokeFirst",
    "NotEnoughMemory",
};
static word_t ok_count[NUM_OPS], err_count[NUM_OPS], preempt_count[NUM_OPS];
static word_t error_kinds[NUM_OPS][seL4_NumErrors + 1];   /* by seL4 error; last: lookup */

/* ---- choosing operands ------------------------------------------------------------------------ */

static cte_t *S(word_t i) { return &cs.slots[i]; }

/* A root slot holding a cap of the given type (or any slot, now and then). */
static word_t pick_root_slot(word_t type)
{
    word_t found[BIT(RADIX)], n = 0;

    for (word_t i = 0; i < BIT(RADIX); i++)
        if (cap_type(S(i)->cap) == type)
            found[n++] = i;
    if (n == 0 || chance(5))
        return rnd(BIT(RADIX));
    return found[rnd(n)];
}

/* What a random address should name, most of the time. */
enum want { WANT_ANY, WANT_FULL, WANT_EMPTY, WANT_CNODE, WANT_ENDPOINT };

static bool slot_fits(const cte_t *s, enum want want)
{
    switch (want) {
    case WANT_FULL:  return !cap_is_null(s->cap);
    case WANT_EMPTY: return cap_is_null(s->cap);
    case WANT_CNODE: return cap_type(s->cap) == cap_cnode_cap;
    case WANT_ENDPOINT: return cap_type(s->cap) == cap_endpoint_cap;
    default:         return true;
    }
}

/* A random index into the CNode c whose slot fits 'want' (any index if none does). */
static word_t pick_index(cap_t c, enum want want)
{
    word_t n = BIT(cnode_radix(c)), count = 0, pick;
    cte_t *slots = cnode_slots(c);

    for (word_t i = 0; i < n; i++)
        count += slot_fits(&slots[i], want);
    if (count == 0 || chance(10))
        return rnd(n);
    pick = rnd(count);
    for (word_t i = 0; i < n; i++)
        if (slot_fits(&slots[i], want) && pick-- == 0)
            return i;
    return 0;
}

/*
 * A random (index, depth) for an explicit lookup relative to CNode cap c: a walk that
 * takes the right guard at each level, going down into CNodes it meets now and then,
 * and ending (mostly) at a slot that fits 'want'. Sometimes plain garbage instead.
 * Returns the slot aimed at, or NULL for garbage.
 */
static cte_t *random_address(cap_t c, enum want want, word_t *index, word_t *depth)
{
    word_t idx = 0, d = 0;
    cte_t *s = NULL;

    if (cap_type(c) != cap_cnode_cap || chance(3)) {
        *index = chance(50) ? rnd64() : rnd(BIT(RADIX));
        *depth = rnd(70);
        return NULL;
    }
    for (;;) {
        word_t g = cnode_guard_size(c), r = cnode_radix(c);
        bool descend = chance(35);
        word_t i = pick_index(c, descend ? WANT_CNODE : want);

        if (d + g + r > seL4_WordBits)
            break;
        idx = (g + r == seL4_WordBits ? 0 : idx << (g + r)) | (cnode_guard(c) << r) | i;
        d += g + r;
        s = cnode_slots(c) + i;
        if (!descend || cap_type(s->cap) != cap_cnode_cap)
            break;
        c = s->cap;
    }
    if (d == 0 || chance(2)) {
        d = rnd(70);
        s = NULL;
    }
    *index = idx;
    *depth = d;
    return s;
}

static word_t random_rights(void) { return chance(70) ? RIGHTS_ALL : rnd(16); }

/* Cap data for Mint/Mutate/Rotate: a badge, a CNode guard encoding, or junk. */
static word_t random_data(void)
{
    switch (rnd(4)) {
    case 0:  return 0;
    case 1:  return 1 + rnd(4);                                      /* a badge */
    case 2:  { word_t gs = rnd(6); return (rnd(BIT(gs)) << 6) | gs; }  /* a small guard */
    default: return rnd64();
    }
}

/* A cptr for an extra cap: usually a CNode in the root, sometimes nonsense. */
static cptr_t random_root_cnode(void)
{
    return chance(3) ? rnd64() : pick_root_slot(cap_cnode_cap);
}

/* ---- one step ----------------------------------------------------------------------------------- */

static status_t invoke(cptr_t cptr, word_t label, const word_t *mrs, word_t n,
                       const cptr_t *extra, word_t n_extra)
{
    return host_invoke_cs(&cs, cptr, label, mrs, n, extra, n_extra);
}

static word_t random_type(void)
{
    static const word_t types[] = {
        seL4_UntypedObject, seL4_UntypedObject, seL4_TCBObject, seL4_EndpointObject,
        seL4_EndpointObject, seL4_NotificationObject, seL4_CapTableObject, seL4_CapTableObject,
        seL4_CapTableObject, seL4_SchedContextObject, seL4_ReplyObject, seL4_ARM_SmallPageObject,
        seL4_ARM_PageTableObject, seL4_ARM_VSpaceObject, seL4_ARM_LargePageObject,
    };
    return chance(2) ? rnd(20) : types[rnd(ARRAY_SIZE(types))];
}

static word_t random_size_bits(word_t type)
{
    switch (type) {
    case seL4_UntypedObject:      return chance(5) ? rnd(64) : 4 + rnd(11);
    case seL4_CapTableObject:     return chance(5) ? rnd(64) : 1 + rnd(5);
    case seL4_SchedContextObject: return chance(5) ? rnd(64) : 7 + rnd(3);
    default:                      return chance(5) ? rnd64() : rnd(4);
    }
}

static status_t op_retype(void)
{
    word_t type = random_type();
    word_t mrs[6] = { type, random_size_bits(type), 0, 0, 0, 0 };
    cptr_t root = random_root_cnode();
    word_t ut = pick_root_slot(cap_untyped_cap);
    cap_t node = S(root & MASK(RADIX))->cap;

    /* The destination CNode: the root cap itself (depth 0), or a CNode named through it. */
    if (chance(50)) {
        cte_t *s = random_address(node, WANT_CNODE, &mrs[2], &mrs[3]);
        node = s ? s->cap : cap_null();
    }
    mrs[4] = cap_type(node) == cap_cnode_cap && chance(90) ? pick_index(node, WANT_EMPTY) : rnd(300);
    mrs[5] = chance(95) ? 1 + rnd(chance(80) ? 1 : 4) : rnd(300);
    return invoke(ut, UntypedRetype, mrs, chance(98) ? 6 : rnd(6), &root, chance(98) ? 1 : 0);
}

/* Copy, Mint, Move, Mutate: dest in the invoked CNode, source via a root CNode. */
static status_t op_copy_family(word_t label)
{
    word_t node = pick_root_slot(cap_cnode_cap);
    cptr_t src_root = random_root_cnode();
    word_t mrs[6];

    random_address(S(node)->cap, chance(80) ? WANT_EMPTY : WANT_ANY, &mrs[0], &mrs[1]);
    random_address(S(src_root & MASK(RADIX))->cap, WANT_FULL, &mrs[2], &mrs[3]);
    if (label == CNodeMutate) {
        mrs[4] = random_data();
    } else {
        mrs[4] = random_rights();
        mrs[5] = random_data();
    }
    return invoke(node, label, mrs, chance(97) ? 6 : rnd(6), &src_root, 1);
}

static status_t op_rotate(void)
{
    word_t node = pick_root_slot(cap_cnode_cap);
    cptr_t extra[2] = { random_root_cnode(), random_root_cnode() };
    word_t mrs[8];

    random_address(S(node)->cap, WANT_EMPTY, &mrs[0], &mrs[1]);
    mrs[2] = chance(50) ? 0 : random_data();
    random_address(S(extra[0] & MASK(RADIX))->cap, WANT_FULL, &mrs[3], &mrs[4]);
    mrs[5] = chance(50) ? 0 : random_data();
    random_address(S(extra[1] & MASK(RADIX))->cap, WANT_FULL, &mrs[6], &mrs[7]);
    if (chance(30)) {                /* src == dest: a swap */
        mrs[6] = mrs[0];
        mrs[7] = mrs[1];
        extra[1] = node;
    }
    return invoke(node, CNodeRotate, mrs, 8, extra, 2);
}

static status_t op_one_slot(word_t label)
{
    word_t node = pick_root_slot(cap_cnode_cap);
    word_t mrs[2];

    /* Revoking untypeds is what frees memory: aim at them often. */
    if (label == CNodeRevoke && chance(40) && cap_type(S(node)->cap) == cap_cnode_cap &&
        cnode_slots(S(node)->cap) == cs.slots && cnode_guard_size(S(node)->cap) == 64 - RADIX) {
        mrs[0] = pick_root_slot(cap_untyped_cap);
        mrs[1] = 64;
    } else {
        enum want want = label == CNodeCancelBadgedSends ? WANT_ENDPOINT : WANT_FULL;
        random_address(S(node)->cap, chance(85) ? want : WANT_ANY, &mrs[0], &mrs[1]);
    }
    return invoke(node, label, mrs, 2, NULL, 0);
}

static status_t op_garbage(void)
{
    word_t mrs[8];
    cptr_t extra[2] = { rnd(BIT(RADIX)), rnd64() };

    for (word_t i = 0; i < 8; i++)
        mrs[i] = chance(50) ? rnd(300) : rnd64();
    return invoke(rnd(BIT(RADIX)), CNodeRevoke + rnd(10) - 1, mrs, rnd(9), extra, rnd(3));
}

static status_t run_op(enum op op)
{
    switch (op) {
    case OP_RETYPE: return op_retype();
    case OP_COPY:   return op_copy_family(CNodeCopy);
    case OP_MINT:   return op_copy_family(CNodeMint);
    case OP_MOVE:   return op_copy_family(CNodeMove);
    case OP_MUTATE: return op_copy_family(CNodeMutate);
    case OP_ROTATE: return op_rotate();
    case OP_DELETE: return op_one_slot(CNodeDelete);
    case OP_REVOKE: return op_one_slot(CNodeRevoke);
    case OP_CANCEL: return op_one_slot(CNodeCancelBadgedSends);
    default:        return op_garbage();
    }
}

static enum op random_op(void)
{
    static const struct { enum op op; word_t weight; } mix[] = {
        { OP_RETYPE, 30 }, { OP_COPY, 10 }, { OP_MINT, 8 }, { OP_MOVE, 6 }, { OP_MUTATE, 4 },
        { OP_ROTATE, 5 }, { OP_DELETE, 20 }, { OP_REVOKE, 9 }, { OP_CANCEL, 3 }, { OP_GARBAGE, 5 },
    };
    word_t total = 0, pick;

    for (word_t i = 0; i < ARRAY_SIZE(mix); i++)
        total += mix[i].weight;
    pick = rnd(total);
    for (word_t i = 0; i < ARRAY_SIZE(mix); i++) {
        if (pick < mix[i].weight)
            return mix[i].op;
        pick -= mix[i].weight;
    }
    return OP_GARBAGE;
}

/* ---- checks --------------------------------------------------------------------------------------- */

/* What a failed invocation must leave untouched: the root CNode, the hidden slot and
 * all of the untyped's memory (which holds every other CNode and object). */
static unsigned char before_root[BIT(RADIX + seL4_SlotBits)];
static unsigned char before_mem[BIT(UT_BITS)];
static cte_t before_hidden;

static void snapshot(void)
{
    memcpy(before_root, cs.slots, sizeof(before_root));
    memcpy(before_mem, (void *)(uintptr_t)ut_base, sizeof(before_mem));
    before_hidden = *hidden;
}

static bool unchanged(void)
{
    return memcmp(before_root, cs.slots, sizeof(before_root)) == 0 &&
           memcmp(before_mem, (void *)(uintptr_t)ut_base, sizeof(before_mem)) == 0 &&
           memcmp(&before_hidden, hidden, sizeof(before_hidden)) == 0;
}

static void fail_step(word_t step, enum op op, const char *what)
{
    print_error("step %lu (%s), seed 0x%lx: %s\n", (unsigned long)step, op_names[op],
                (unsigned long)seed, what);
    fail();
}

static word_t free_root_slot(void)
{
    for (word_t i = 0; i < BIT(RADIX); i++)
        if (cap_is_null(S(i)->cap))
            return i;
    return BIT(RADIX);
}

static bool root_has(word_t type)
{
    for (word_t i = 0; i < BIT(RADIX); i++)
        if (cap_type(S(i)->cap) == type)
            return true;
    return false;
}

static word_t epochs;

/*
 * Keep the thread able to work: it needs a CNode cap in its root to invoke (ops may move
 * or delete them all) and an untyped. Without an untyped, the memory is reclaimed as a
 * supervisor would: revoke the hidden original (checking that this recovers all of it)
 * and hand the thread a fresh copy.
 */
static void keep_thread_working(void)
{
    word_t slot;

    for (word_t i = 0; i < BIT(RADIX); i++)
        if (cap_type(S(i)->cap) == cap_cnode_cap && cnode_slots(S(i)->cap) == cs.slots &&
            cnode_guard_size(S(i)->cap) == 64 - RADIX)
            goto have_handle;
    slot = free_root_slot();
    if (slot < BIT(RADIX))
        cte_insert(cs.root, tcb_slot(cs.thread, TCB_CTABLE), S(slot));
have_handle:
    if (root_has(cap_untyped_cap))
        return;
    fake_irq_pending = false;
    assert_int_equal(HOST_UNTIL_DONE(cte_revoke(hidden), 1000), OK);
    assert_false(cte_has_children(hidden));
    slot = free_root_slot();
    if (slot < BIT(RADIX))
        cte_insert(hidden->cap, hidden, S(slot));
    epochs++;
}

static void step_once(word_t step)
{
    enum op op = random_op();
    bool pending = chance(30);
    status_t st;

    keep_thread_working();
    snapshot();
    fake_irq_pending = pending;
    st = run_op(op);
    /* A preempted operation is restarted some of the time, else abandoned half-way. */
    while (st == ERR_PREEMPTED) {
        preempt_count[op]++;
        fake_irq_pending = false;
        if (check_invariants() != OK)
            fail_step(step, op, "invariants broken at a preemption point");
        if (!chance(50))
            break;
        fake_irq_pending = chance(50);
        st = run_op(op);    /* not the same arguments: the thread may do anything next */
    }
    fake_irq_pending = false;

    if (st == OK)
        ok_count[op]++;
    else if (st == ERR_SYSCALL || st == ERR_LOOKUP) {
        err_count[op]++;
        error_kinds[op][st == ERR_LOOKUP ? seL4_NumErrors : ks_syscall_error.type]++;
        if (!pending && !unchanged())
            fail_step(step, op, "a failed invocation changed the state");
    }
    if (check_invariants() != OK)
        fail_step(step, op, "invariants broken");
}

static bool all_zero(const void *p, word_t bytes)
{
    const unsigned char *b = p;
    for (word_t i = 0; i < bytes; i++)
        if (b[i])
            return false;
    return true;
}

/* Retype the hidden original (the thread cannot name it) into one untyped of full size. */
static status_t retype_whole_region(word_t dest_slot)
{
    invocation_t inv;
    word_t mrs[6] = { seL4_UntypedObject, UT_BITS, 0, 0, dest_slot, 1 };
    status_t st = host_build_invocation(&inv, cs.thread, cs.ipc_buffer, UT, UntypedRetype,
                                        mrs, 6, NULL, 0);

    assert_int_equal(st, OK);
    inv.cap = hidden->cap;
    inv.slot = hidden;
    inv.extra[0] = (extra_cap_t){ cs.root, tcb_slot(cs.thread, TCB_CTABLE) };
    inv.extra_count = 1;
    return decode_untyped_invocation(&inv);
}

static void finish_and_recover(void)
{
    word_t free_slot = BIT(RADIX);

    /* Revoke the original, preemptibly, as a restarted syscall would. */
    fake_irq_pending = true;
    while (cte_revoke(hidden) == ERR_PREEMPTED) {
        fake_irq_pending = false;
        assert_int_equal(check_invariants(), OK);
        fake_irq_pending = chance(70);
    }
    fake_irq_pending = false;
    assert_false(cte_has_children(hidden));
    assert_int_equal(check_invariants(), OK);

    /* Nothing from the untyped is left: only caps to the root CNode itself remain. */
    for (word_t i = 0; i < BIT(RADIX); i++) {
        cap_t c = S(i)->cap;
        if (cap_is_null(c)) {
            free_slot = MIN(free_slot, i);
            continue;
        }
        assert_int_equal(cap_type(c), cap_cnode_cap);
        assert_ptr_equal(cnode_slots(c), cs.slots);
    }
    assert_true(free_slot < BIT(RADIX));

    /* All the memory can be had again, and it is clean. */
    assert_int_equal(HOST_UNTIL_DONE(retype_whole_region(free_slot), 1000), OK);
    assert_int_equal(cap_type(S(free_slot)->cap), cap_untyped_cap);
    assert_int_equal(cap_paddr(S(free_slot)->cap), ut_base);
    assert_int_equal(untyped_size_bits(S(free_slot)->cap), UT_BITS);
    assert_int_equal(untyped_free_index(hidden->cap), BIT(UT_BITS));
    assert_true(all_zero((void *)(uintptr_t)ut_base, BIT(UT_BITS)));
    assert_int_equal(check_invariants(), OK);
}

/* ---- the test ---------------------------------------------------------------------------------------- */

static void test_random_ops(void **state)
{
    (void)state;
    print_message("test_random_ops: seed 0x%lx, %lu steps\n", (unsigned long)seed, (unsigned long)steps);
    rng_state = seed ? seed : 1;

    host_cspace_init(&cs, RADIX);
    cte_insert(cs.root, tcb_slot(cs.thread, TCB_CTABLE), S(ROOT));
    hidden = host_alloc(seL4_SlotBits);
    ut_base = cap_paddr(host_make_untyped(hidden, UT_BITS, false, 0));
    cte_insert(hidden->cap, hidden, S(UT));
    invariants_add_root(cs.slots, BIT(RADIX));
    invariants_add_root(hidden, 1);
    assert_int_equal(check_invariants(), OK);

    for (word_t i = 0; i < steps; i++)
        step_once(i);

    for (word_t i = 0; i < NUM_OPS; i++) {
        print_message("  %-18s ok %5lu  preempted %5lu  failed %5lu:", op_names[i],
                      (unsigned long)ok_count[i], (unsigned long)preempt_count[i],
                      (unsigned long)err_count[i]);
        for (word_t e = 1; e <= seL4_NumErrors; e++)
            if (error_kinds[i][e])
                print_message(" %s %lu", e == seL4_NumErrors ? "x0-lookup" : error_names[e],
                              (unsigned long)error_kinds[i][e]);
        print_message("\n");
    }
    print_message("  memory reclaimed by revoking the original %lu times\n", (unsigned long)epochs);
    finish_and_recover();

    invariants_clear_roots();
    host_free_all();
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_ops),
    };

    if (argc > 1)
        seed = strtoull(argv[1], NULL, 0);
    if (argc > 2)
        steps = strtoull(argv[2], NULL, 0);
    return cmocka_run_group_tests_name("random_ops", tests, NULL, NULL);
}
