/*
 * Tests of libs/cspace, libs/ut and libs/frametable.
 */
#include <string.h>
#include "libtest.h"

#define MANY_SLOTS  9000                    /* more than one second-level node holds */
#define SEEN_NODES  4

static seL4_CPtr slots[MANY_SLOTS];
static seL4_Word seen[SEEN_NODES * CSPACE_BOT_SLOTS / 64];

/* Allocate MANY_SLOTS slots of c into slots[], checking they are distinct. */
static bool alloc_many(cspace_t *c, seL4_CPtr *max)
{
    memset(seen, 0, sizeof(seen));
    *max = 0;
    for (unsigned i = 0; i < MANY_SLOTS; i++) {
        seL4_CPtr s = slots[i] = cspace_alloc_slot(c);
        if (s == seL4_CapNull || s >= SEEN_NODES * CSPACE_BOT_SLOTS) {
            fail_at(__LINE__, "slot %u is %lx", i, s);
            return false;
        }
        if (seen[s / 64] & (1ul << (s % 64))) {
            fail_at(__LINE__, "slot %lx handed out twice", s);
            return false;
        }
        seen[s / 64] |= 1ul << (s % 64);
        *max = s > *max ? s : *max;
    }
    return true;
}

static void free_many(cspace_t *c)
{
    for (unsigned i = 0; i < MANY_SLOTS; i++) {
        cspace_free_slot(c, slots[i]);
    }
}

/* Run fn twice; the second run must end with exactly as much free memory as the first
 * (the first may grow bookkeeping that stays). */
static bool same_memory_twice(void (*fn)(void), bool *failed_flag)
{
    fn();
    ut_stats_t a = ut_get_stats();
    size_t frames_a = frame_table_used();
    fn();
    ut_stats_t b = ut_get_stats();
    if (*failed_flag) {
        return false;
    }
    if (a.free_bytes != b.free_bytes || a.largest_free_bits != b.largest_free_bits ||
        frames_a != frame_table_used()) {
        fail_at(__LINE__, "leak: free %lu -> %lu bytes, largest 2^%u -> 2^%u, frames %lu -> %lu",
                a.free_bytes, b.free_bytes, a.largest_free_bits, b.largest_free_bits,
                (unsigned long)frames_a, (unsigned long)frame_table_used());
        return false;
    }
    return true;
}

static bool round_failed;

/* ---- cspace ---------------------------------------------------------------------------------- */

void test_cspace_root_grows(void)
{
    cspace_t *cs = &env.cspace;
    seL4_Word free_before = cspace_num_free(cs);
    seL4_CPtr max;
    if (!alloc_many(cs, &max)) {
        return;
    }
    CHECK_MSG(max >= CSPACE_BOT_SLOTS, "all slots in the boot CNode (max %lx)", max);
    /* A slot in a new node works through the root task's own CSpace root. */
    CHECK(cspace_copy(cs, max, cs, test_ep, seL4_AllRights) == seL4_NoError);
    CHECK(seL4_DebugCapIdentify(max) == cap_endpoint_cap);
    CHECK(cspace_delete(cs, max) == seL4_NoError);
    CHECK(seL4_DebugCapIdentify(max) == cap_null_cap);
    free_many(cs);
    CHECK_MSG(cspace_num_free(cs) > free_before, "free %lu, before %lu", cspace_num_free(cs),
              free_before);
}

static void two_level_round(void)
{
    static cspace_t target;
    if (cspace_create_two_level(&env.cspace, &target, root_env_cspace_alloc(&env)) != 0) {
        fail_at(__LINE__, "cspace_create_two_level failed");
        round_failed = true;
        return;
    }
    seL4_CPtr max;
    if (!alloc_many(&target, &max)) {
        round_failed = true;
        cspace_destroy(&target);
        return;
    }
    /* A badged endpoint in a far slot of the target, copied back out. */
    seL4_CPtr back = cspace_alloc_slot(&env.cspace);
    seL4_Error e1 = cspace_mint(&target, max, &env.cspace, test_ep, seL4_AllRights, 0x55);
    seL4_Error e2 = cspace_copy(&env.cspace, back, &target, max, seL4_AllRights);
    seL4_Word tag = seL4_DebugCapIdentify(back);
    cspace_delete(&env.cspace, back);
    cspace_free_slot(&env.cspace, back);
    free_many(&target);
    cspace_destroy(&target);
    if (max < CSPACE_BOT_SLOTS || e1 != seL4_NoError || e2 != seL4_NoError ||
        tag != cap_endpoint_cap) {
        fail_at(__LINE__, "max slot %lx, mint %d, copy %d, tag %lu", max, e1, e2, tag);
        round_failed = true;
    }
}

void test_cspace_two_level(void)
{
    round_failed = false;
    same_memory_twice(two_level_round, &round_failed);
}

static void one_level_round(void)
{
    static cspace_t target;
    if (cspace_create_one_level(&env.cspace, &target) != 0) {
        fail_at(__LINE__, "cspace_create_one_level failed");
        round_failed = true;
        return;
    }
    unsigned n = 0;
    while (cspace_alloc_slot(&target) != seL4_CapNull) {
        n++;
    }
    cspace_free_slot(&target, 5);
    seL4_CPtr again = cspace_alloc_slot(&target);
    seL4_CPtr back = cspace_alloc_slot(&env.cspace);
    seL4_Error e1 = cspace_mint(&target, 5, &env.cspace, test_ep, seL4_AllRights, 7);
    seL4_Error e2 = cspace_move(&env.cspace, back, &target, 5);
    seL4_Word tag = seL4_DebugCapIdentify(back);
    cspace_delete(&env.cspace, back);
    cspace_free_slot(&env.cspace, back);
    cspace_destroy(&target);
    if (n != (1u << CSPACE_ONE_LEVEL_BITS) - 1 || again != 5 || e1 != seL4_NoError ||
        e2 != seL4_NoError || tag != cap_endpoint_cap) {
        fail_at(__LINE__, "%u slots, realloc %lu, mint %d, move %d, tag %lu", n, again, e1, e2,
                tag);
        round_failed = true;
    }
}

void test_cspace_one_level(void)
{
    round_failed = false;
    same_memory_twice(one_level_round, &round_failed);
}

/* ---- ut ------------------------------------------------------------------------------------- */

#define BUDDY_BLOCKS 64

static void buddy_round(void)
{
    ut_t *uts[BUDDY_BLOCKS];
    for (unsigned i = 0; i < BUDDY_BLOCKS; i++) {
        unsigned bits = 4 + (i * 7) % 17;                   /* 16 B .. 1 MiB */
        uts[i] = ut_alloc(bits, &env.cspace);
        if (uts[i] == NULL || uts[i]->size_bits != bits ||
            (uts[i]->paddr & ((1ul << bits) - 1)) != 0) {
            fail_at(__LINE__, "block %u (2^%u): %p", i, bits, (void *)uts[i]);
            round_failed = true;
            return;
        }
        if (bits >= seL4_PageBits) {
            /* The memory is really there: a frame from it sits at the block's address. */
            seL4_CPtr f = cspace_alloc_slot(&env.cspace);
            seL4_Error err = cspace_untyped_retype(&env.cspace, uts[i]->cap, f,
                                                   seL4_ARM_SmallPageObject, seL4_PageBits);
            seL4_ARM_Page_GetAddress_t a = seL4_ARM_Page_GetAddress(f);
            cspace_delete(&env.cspace, f);
            cspace_free_slot(&env.cspace, f);
            if (err != seL4_NoError || a.paddr != uts[i]->paddr) {
                fail_at(__LINE__, "frame from block %u: err %d, at %lx not %lx", i, err, a.paddr,
                        uts[i]->paddr);
                round_failed = true;
                return;
            }
        }
    }
    for (unsigned i = 0; i < BUDDY_BLOCKS; i++) {
        for (unsigned j = i + 1; j < BUDDY_BLOCKS; j++) {
            seL4_Word ai = uts[i]->paddr, ei = ai + (1ul << uts[i]->size_bits);
            seL4_Word aj = uts[j]->paddr, ej = aj + (1ul << uts[j]->size_bits);
            if (ai < ej && aj < ei) {
                fail_at(__LINE__, "blocks %u and %u overlap", i, j);
                round_failed = true;
                return;
            }
        }
    }
    for (unsigned i = 0; i < BUDDY_BLOCKS; i++) {
        ut_free(uts[(i * 37) % BUDDY_BLOCKS]);              /* another order */
    }
}

void test_ut_buddy(void)
{
    round_failed = false;
    if (!same_memory_twice(buddy_round, &round_failed)) {
        return;
    }
    /* Everything merged back: the largest block can be had whole. */
    ut_stats_t s = ut_get_stats();
    ut_t *big = ut_alloc(s.largest_free_bits, &env.cspace);
    CHECK_MSG(big != NULL, "no block of 2^%u", s.largest_free_bits);
    ut_free(big);
}

void test_ut_realloc_same(void)
{
    for (unsigned bits = 4; bits <= 20; bits += 8) {
        ut_t *a = ut_alloc(bits, &env.cspace);
        CHECK(a != NULL);
        seL4_Word paddr = a->paddr;
        ut_free(a);
        ut_t *b = ut_alloc(bits, &env.cspace);
        CHECK(b != NULL);
        seL4_Word again = b->paddr;
        ut_free(b);
        CHECK_MSG(again == paddr, "2^%u: %lx then %lx", bits, paddr, again);
    }
}

void test_ut_device(void)
{
    const seL4_Word uart = 0x09000000;
    ut_t *d = ut_alloc_4k_device(uart);
    CHECK(d != NULL && d->paddr == uart && d->is_device);
    seL4_CPtr f = cspace_alloc_slot(&env.cspace);
    CHECK(cspace_untyped_retype(&env.cspace, d->cap, f, seL4_ARM_SmallPageObject,
                                seL4_PageBits) == seL4_NoError);
    CHECK(seL4_ARM_Page_GetAddress(f).paddr == uart);
    CHECK(ut_alloc_4k_device(uart) == NULL);                /* taken */
    ut_t *next = ut_alloc_4k_device(uart + 0x1000);
    CHECK(next != NULL && next->paddr == uart + 0x1000);
    ut_free(next);
    ut_free(d);                                             /* deletes the frame too */
    CHECK(seL4_DebugCapIdentify(f) == cap_null_cap);
    cspace_free_slot(&env.cspace, f);
    d = ut_alloc_4k_device(uart);
    CHECK(d != NULL);
    ut_free(d);
    CHECK(ut_alloc_4k_device(0x40000000) == NULL);          /* RAM is not a device */
    CHECK(ut_alloc_4k_device(uart + 1) == NULL);            /* not page aligned */
}

/* ---- frametable -------------------------------------------------------------------------------- */

#define FT_FRAMES 300

static void frametable_round(void)
{
    static frame_ref_t refs[FT_FRAMES];
    for (unsigned i = 0; i < FT_FRAMES; i++) {
        refs[i] = alloc_frame();
        seL4_Word *data = frame_data(refs[i]);
        if (refs[i] == NULL_FRAME || data == NULL || ((seL4_Word)data & 0xfff) != 0) {
            fail_at(__LINE__, "frame %u: ref %u at %p", i, refs[i], (void *)data);
            round_failed = true;
            return;
        }
        for (unsigned w = 0; w < 512; w++) {
            if (data[w] != 0) {
                fail_at(__LINE__, "frame %u not zeroed (word %u)", i, w);
                round_failed = true;
                return;
            }
        }
        data[0] = i;
        data[511] = ~(seL4_Word)i;
    }
    for (unsigned i = 0; i < FT_FRAMES; i++) {
        seL4_Word *data = frame_data(refs[i]);
        if (data[0] != i || data[511] != ~(seL4_Word)i ||
            frame_from_vaddr((char *)data + 100) != refs[i] ||
            (frame_paddr(refs[i]) & 0xfff) != 0) {
            fail_at(__LINE__, "frame %u reads back wrong", i);
            round_failed = true;
            return;
        }
        for (unsigned j = 0; j < i; j++) {
            if (frame_paddr(refs[j]) == frame_paddr(refs[i])) {
                fail_at(__LINE__, "frames %u and %u share memory", j, i);
                round_failed = true;
                return;
            }
        }
    }
    for (unsigned i = FT_FRAMES; i > 0; i--) {
        free_frame(refs[i - 1]);
    }
}

void test_frametable(void)
{
    round_failed = false;
    if (same_memory_twice(frametable_round, &round_failed)) {
        CHECK(frame_data(NULL_FRAME) == NULL);
        CHECK(frame_page(NULL_FRAME) == seL4_CapNull);
    }
}
