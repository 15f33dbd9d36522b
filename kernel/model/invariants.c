/*
 * The invariant checker (see keel/invariants.h for what it checks and where it starts).
 *
 * It needs bookkeeping but the kernel has no heap, so it uses fixed tables: a hash set
 * of the slots and slot arrays already seen, a work list of slot arrays to scan, and the
 * list of object regions for the overlap check. If a table fills up, the remaining
 * checks are skipped with a warning rather than reported as violations.
 */
#include <keel/invariants.h>
#include <keel/cnode.h>
#include <keel/invocation.h>
#include <keel/state.h>
#include <keel/kernel.h>

#if KEEL_DEBUG

#define MAX_ROOTS     8
#define SEEN_BITS     14                 /* hash set of 16384 entries (kept <= 3/4 full) */
#define MAX_ARRAYS    1024
#define MAX_REGIONS   4096
#define MAX_NESTING   64
#define STRAY_SCAN_LIMIT 4096            /* untyped descendants searched for past the run */

typedef struct slot_array {
    cte_t *slots;
    word_t count;
} slot_array_t;

typedef struct region {
    paddr_t base;
    word_t bits;
    const cte_t *slot;
} region_t;

static slot_array_t roots[MAX_ROOTS];
static word_t num_roots;

static uintptr_t seen[BIT(SEEN_BITS)];
static word_t num_seen;
static slot_array_t todo[MAX_ARRAYS];
static word_t num_todo;
static region_t regions[MAX_REGIONS];
static word_t num_regions;
static bool incomplete;                  /* a table filled up: some checks were skipped */

void invariants_add_root(cte_t *slots, word_t count)
{
    if (num_roots < MAX_ROOTS)
        roots[num_roots++] = (slot_array_t){ slots, count };
}

void invariants_clear_roots(void)
{
    num_roots = 0;
}

/* ---- reporting ------------------------------------------------------------------------ */

static status_t violation(const cte_t *slot, const char *what)
{
    kprintf("keel: INVARIANT VIOLATED: %s\n", what);
    if (slot)
        kprintf("keel:   slot %p: %s cap w0=0x%lx w1=0x%lx, prev %p next %p%s%s\n",
                (const void *)slot, cap_type_name(cap_type(slot->cap)), slot->cap.w0,
                slot->cap.w1, (void *)mdb_prev(slot), (void *)mdb_next(slot),
                mdb_revocable(slot) ? " revocable" : "",
                mdb_first_badged(slot) ? " first-badged" : "");
    return fail_illegal(what);
}

static status_t violation2(const cte_t *a, const cte_t *b, const char *what)
{
    violation(a, what);
    return violation(b, what);
}

/* ---- bookkeeping tables ------------------------------------------------------------------ */

static word_t seen_index(uintptr_t key)
{
    word_t i = (word_t)((key >> 4) * 0x9e3779b97f4a7c15ull) >> (64 - SEEN_BITS);

    while (seen[i] != 0 && seen[i] != key)
        i = (i + 1) & MASK(SEEN_BITS);
    return i;
}

static bool is_seen(uintptr_t key)
{
    return seen[seen_index(key)] == key;
}

/* Insert a key; true if it was not there yet. A full table counts as "seen". */
static bool seen_insert(uintptr_t key)
{
    word_t i = seen_index(key);

    if (seen[i] == key)
        return false;
    if (num_seen >= BIT(SEEN_BITS) / 4 * 3) {
        incomplete = true;
        return false;
    }
    seen[i] = key;
    num_seen++;
    return true;
}

/* Slots and arrays share the set: array keys have bit 0 set (slots are 32-byte aligned). */
static bool first_visit_slot(const cte_t *s) { return seen_insert((uintptr_t)s); }

static void push_array(cte_t *slots, word_t count)
{
    if (!seen_insert((uintptr_t)slots | 1))
        return;
    if (num_todo == MAX_ARRAYS) {
        incomplete = true;
        return;
    }
    todo[num_todo++] = (slot_array_t){ slots, count };
}

static void add_region(const cte_t *slot)
{
    if (num_regions == MAX_REGIONS) {
        incomplete = true;
        return;
    }
    regions[num_regions++] = (region_t){ cap_paddr(slot->cap), cap_object_size_bits(slot->cap), slot };
}

/* The slot arrays a cap gives access to. */
static void push_arrays_of(cap_t c)
{
    switch (cap_type(c)) {
    case cap_cnode_cap:
        push_array(cnode_slots(c), BIT(cnode_radix(c)));
        break;
    case cap_thread_cap:
        push_array(tcb_slot((tcb_t *)cap_ptr(c), 0), TCB_NUM_SLOTS);
        break;
    case cap_zombie_cap:
        push_array(zombie_slots(c), zombie_capacity(c));
        break;
    default:
        break;
    }
}

/* ---- one cap ----------------------------------------------------------------------------- */

static status_t check_zombie(const cte_t *s)
{
    cap_t z = s->cap;
    cte_t *slots;

    if (zombie_kind(z) != ZOMBIE_TCB && zombie_kind(z) >= seL4_WordBits)
        return violation(s, "zombie of an impossible kind");
    if (zombie_remaining(z) > zombie_capacity(z))
        return violation(s, "zombie counts more slots than its object has");
    /* Deletion empties the object's slots from the last one down. */
    slots = zombie_slots(z);
    for (word_t i = zombie_remaining(z); i < zombie_capacity(z); i++)
        if (!cap_is_null(slots[i].cap))
            return violation2(s, &slots[i], "slot past a zombie's count is not empty");
    return OK;
}

static status_t check_cap_form(const cte_t *s)
{
    cap_t c = s->cap;

    if (cap_type_name(cap_type(c))[0] == '?')
        return violation(s, "unknown cap type");
    if (cap_is_physical(c) && !IS_ALIGNED(cap_paddr(c), cap_object_size_bits(c)))
        return violation(s, "object not aligned to its size");
    if (mdb_revocable(s) && !mdb_first_badged(s))
        return violation(s, "revocable cap not marked first of its badge");

    switch (cap_type(c)) {
    case cap_untyped_cap:
        if (untyped_size_bits(c) < seL4_MinUntypedBits || untyped_size_bits(c) > seL4_MaxUntypedBits)
            return violation(s, "untyped of an impossible size");
        if (untyped_free_index(c) > BIT(untyped_size_bits(c)))
            return violation(s, "untyped watermark beyond its size");
        if (!mdb_revocable(s))
            return violation(s, "untyped cap not revocable");
        return OK;
    case cap_cnode_cap:
        if (cnode_radix(c) < 1 || cnode_radix(c) + cnode_guard_size(c) > seL4_WordBits)
            return violation(s, "CNode radix/guard size out of range");
        if (cnode_guard(c) & ~MASK(cnode_guard_size(c)))
            return violation(s, "CNode guard wider than its guard size");
        return OK;
    case cap_zombie_cap:
        return check_zombie(s);
    default:
        return OK;
    }
}

/*
 * An untyped's descendants are the run right after it; each must lie below its
 * watermark, and no cap in its region may appear further down the list (revoking it
 * would miss that cap, and its memory could be handed out twice).
 */
static status_t check_untyped_run(const cte_t *ut)
{
    paddr_t limit = cap_paddr(ut->cap) + untyped_free_index(ut->cap);
    const cte_t *y = mdb_next(ut);
    word_t steps = 0;

    for (; y && cte_is_parent_of(ut, y); y = mdb_next(y))
        if (cap_paddr(y->cap) + BIT(cap_object_size_bits(y->cap)) > limit)
            return violation2(ut, y, "descendant of an untyped above its watermark");
    for (; y && steps < STRAY_SCAN_LIMIT; y = mdb_next(y), steps++)
        if (cte_is_parent_of(ut, y))
            return violation2(ut, y, "cap inside an untyped's region outside its run of descendants");
    return OK;
}

/* ---- one list ------------------------------------------------------------------------------ */

static status_t check_list(cte_t *head)
{
    status_t st;

    for (cte_t *x = head; x; x = mdb_next(x)) {
        if (!first_visit_slot(x)) {
            if (incomplete)
                return OK;
            return violation(x, "slot reached twice along derivation lists (cycle or merged lists)");
        }
        if (cap_is_null(x->cap))
            return violation(x, "empty slot linked into a derivation list");
        if (mdb_next(x) && mdb_prev(mdb_next(x)) != x)
            return violation2(x, mdb_next(x), "next slot's prev link does not point back");
        st = check_cap_form(x);
        if (st != OK)
            return st;
        if (cap_type(x->cap) == cap_untyped_cap) {
            st = check_untyped_run(x);
            if (st != OK)
                return st;
        }
        if (cap_is_physical(x->cap))
            add_region(x);
        push_arrays_of(x->cap);
    }
    return OK;
}

static status_t visit_slot(cte_t *s)
{
    cte_t *head = s;
    word_t steps = 0;

    if (cap_is_null(s->cap)) {
        if (mdb_prev(s) || mdb_next(s) || mdb_revocable(s) || mdb_first_badged(s))
            return violation(s, "empty slot with derivation links or flags");
        return OK;
    }
    /* Each list is checked whole, once: skip slots of lists already done. */
    if (is_seen((uintptr_t)s) || incomplete)
        return OK;
    while (mdb_prev(head)) {
        if (mdb_next(mdb_prev(head)) != head)
            return violation2(mdb_prev(head), head, "prev slot's next link does not point back");
        head = mdb_prev(head);
        if (++steps > BIT(SEEN_BITS))
            return violation(s, "derivation list has a cycle");
    }
    return check_list(head);
}

/* ---- object overlap ------------------------------------------------------------------------ */

static paddr_t region_end(const region_t *r) { return r->base + BIT(r->bits); }
static bool region_is_untyped(const region_t *r) { return cap_type(r->slot->cap) == cap_untyped_cap; }

/* Order: by base, larger first, untyped before objects of the same extent. */
static bool region_before(const region_t *a, const region_t *b)
{
    if (a->base != b->base)
        return a->base < b->base;
    if (a->bits != b->bits)
        return a->bits > b->bits;
    return region_is_untyped(a) && !region_is_untyped(b);
}

static void sift_down(word_t root, word_t n)
{
    for (;;) {
        word_t child = 2 * root + 1, largest = root;
        region_t tmp;

        if (child < n && region_before(&regions[largest], &regions[child]))
            largest = child;
        if (child + 1 < n && region_before(&regions[largest], &regions[child + 1]))
            largest = child + 1;
        if (largest == root)
            return;
        tmp = regions[root];
        regions[root] = regions[largest];
        regions[largest] = tmp;
        root = largest;
    }
}

static void sort_regions(void)
{
    word_t n = num_regions;

    for (word_t i = n / 2; i-- > 0;)
        sift_down(i, n);
    while (n > 1) {
        region_t tmp = regions[0];
        regions[0] = regions[n - 1];
        regions[n - 1] = tmp;
        sift_down(0, --n);
    }
}

/*
 * Objects must nest like intervals: any two are disjoint, or one is an untyped that
 * contains the other, or they are the same object (same place, size and type).
 */
static status_t check_no_overlap(void)
{
    const region_t *open[MAX_NESTING];
    word_t depth = 0;

    sort_regions();
    for (word_t i = 0; i < num_regions; i++) {
        const region_t *r = &regions[i];

        while (depth > 0 && region_end(open[depth - 1]) <= r->base)
            depth--;
        if (depth > 0) {
            const region_t *top = open[depth - 1];
            if (region_end(r) > region_end(top))
                return violation2(top->slot, r->slot, "objects overlap partially");
            if (!region_is_untyped(top)) {
                if (r->base != top->base || r->bits != top->bits ||
                    cap_type(r->slot->cap) != cap_type(top->slot->cap))
                    return violation2(top->slot, r->slot, "object lies inside another object");
                continue;    /* another cap to the same object */
            }
        }
        if (depth == MAX_NESTING) {
            incomplete = true;
            return OK;
        }
        open[depth++] = r;
    }
    return OK;
}

/* ---- the whole check ---------------------------------------------------------------------- */

static void start_from_roots(void)
{
    memset(seen, 0, sizeof(seen));
    num_seen = 0;
    num_todo = 0;
    num_regions = 0;
    incomplete = false;

    for (word_t i = 0; i < num_roots; i++)
        push_array(roots[i].slots, roots[i].count);
    if (ks_cur_thread)
        push_array(tcb_slot(ks_cur_thread, 0), TCB_NUM_SLOTS);
    if (ks_idle_thread)
        push_array(tcb_slot(ks_idle_thread, 0), TCB_NUM_SLOTS);
}

status_t check_invariants(void)
{
    status_t st;

    start_from_roots();
    while (num_todo > 0) {
        slot_array_t a = todo[--num_todo];
        for (word_t i = 0; i < a.count; i++) {
            st = visit_slot(&a.slots[i]);
            if (st != OK)
                return st;
        }
    }
    st = check_no_overlap();
    if (st != OK)
        return st;
    if (incomplete)
        kprintf("keel: invariant checker: tables full, some checks skipped\n");
    return OK;
}

#else /* !KEEL_DEBUG */

void invariants_add_root(cte_t *slots, word_t count) { (void)slots; (void)count; }
void invariants_clear_roots(void) {}
status_t check_invariants(void) { return OK; }

#endif
