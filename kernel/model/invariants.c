/*
 * The invariant checker (see keel/invariants.h for what it checks and where it starts).
 *
 * It needs bookkeeping but the kernel has no heap, so it uses fixed tables: a hash set
 * of the slots and slot arrays already seen, a work list of slot arrays to scan, and the
 * list of object regions for the overlap check. If a table fills up, the remaining
 * checks are skipped with a warning rather than reported as violations.
 *
 * The second part (after the overlap check) uses the sorted list of object regions as
 * the set of live objects: the kernel keeps no list of endpoints, notifications, replies
 * or SCs, but every live one has a cap, so the regions name them all. Every pointer the
 * kernel keeps between objects (queues, bindings, reply links) must point at one of them
 * and be matched by the pointer back.
 */
#include <keel/invariants.h>
#include <keel/cnode.h>
#include <keel/invocation.h>
#include <keel/ipc.h>
#include <keel/sched.h>
#include <keel/state.h>
#include <keel/tcb.h>
#include <keel/kernel.h>

#ifdef KEEL_HOST_TEST
#define KEEL_HOST_TEST_BUILD 1
#else
#define KEEL_HOST_TEST_BUILD 0
#endif

#if KEEL_DEBUG

#define MAX_ROOTS     8
#define SEEN_BITS     14                 /* hash set of 16384 entries (kept <= 3/4 full) */
#define MAX_ARRAYS    1024
#define MAX_REGIONS   4096
#define MAX_NESTING   64
#define STRAY_SCAN_LIMIT 4096            /* untyped descendants searched for past the run */
#define RUN_WALK_LIMIT   65536           /* slots walked along an untyped's run */

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
static bool entry_state_checks = !KEEL_HOST_TEST_BUILD;

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
 * The first slot of the run of slots, ending at x, whose caps all lie in untyped u's
 * memory (walking back along the derivation list). NULL if the walk got too long.
 */
static const cte_t *covered_run_head(const region_t *u, const cte_t *x)
{
    const cte_t *head = x;
    word_t steps = 0;

    for (x = mdb_prev(x); x && same_region_as(u->slot->cap, x->cap); x = mdb_prev(x)) {
        head = x;
        if (++steps > RUN_WALK_LIMIT) {
            incomplete = true;
            return NULL;
        }
    }
    return head;
}

static bool is_untyped_of(const cte_t *s, const region_t *u)
{
    return cap_type(s->cap) == cap_untyped_cap && cap_paddr(s->cap) == u->base &&
           untyped_size_bits(s->cap) == u->bits;
}

static bool same_untyped_region(const region_t *a, const region_t *b)
{
    return region_is_untyped(a) && region_is_untyped(b) && a->base == b->base && a->bits == b->bits;
}

/* Device memory holds only frames and untypeds, marked as device; RAM no device ones. */
static status_t check_device_flags(const region_t *u, const region_t *r)
{
    cap_t c = r->slot->cap;
    bool device = untyped_is_device(u->slot->cap);

    switch (cap_type(c)) {
    case cap_frame_cap:
        if (frame_is_device(c) != device)
            return violation2(u->slot, r->slot, "frame's device flag differs from its untyped's");
        return OK;
    case cap_untyped_cap:
        if (untyped_is_device(c) != device)
            return violation2(u->slot, r->slot, "untyped's device flag differs from its parent's");
        return OK;
    default:
        if (device)
            return violation2(u->slot, r->slot, "kernel object in device memory");
        return OK;
    }
}

/*
 * Every cap to memory of untyped u (regions[first..end)) must be in the run of u's
 * descendants, or revoking u would not reach it and u's memory could be handed out again
 * while the object lives. The run starts at the first cap to u's exact region and holds
 * only caps inside u, so it is enough that it holds as many caps as lie inside u; if not,
 * the caps whose run starts elsewhere are the strays.
 */
static status_t check_untyped_caps_in_run(const region_t *u, word_t first, word_t end)
{
    const cte_t *head = covered_run_head(u, u->slot);
    word_t run = 0;

    if (!head)
        return OK;                                  /* too long to follow (incomplete) */
    if (is_untyped_of(head, u)) {
        for (const cte_t *x = head; x && same_region_as(u->slot->cap, x->cap); x = mdb_next(x))
            if (++run > end - first)
                break;
        if (run == end - first)
            return OK;
    }
    for (word_t j = first; j < end; j++) {
        const cte_t *h = covered_run_head(u, regions[j].slot);
        if (h && h != head)
            return violation2(u->slot, regions[j].slot,
                              "object in an untyped's memory is not among its descendants "
                              "(revoking the untyped would miss it)");
    }
    return violation(u->slot, "the caps inside an untyped do not form one run after it");
}

/*
 * Objects must nest like intervals: any two are disjoint, or one is an untyped that
 * contains the other, or they are the same object (same place, size and type). Then
 * each untyped's contents are checked against it.
 */
static status_t check_no_overlap(void)
{
    region_t *open[MAX_NESTING];
    word_t depth = 0;
    status_t st;

    sort_regions();
    for (word_t i = 0; i < num_regions; i++) {
        region_t *r = &regions[i];

        while (depth > 0 && region_end(open[depth - 1]) <= r->base)
            depth--;
        if (depth > 0) {
            region_t *top = open[depth - 1];
            if (region_end(r) > region_end(top))
                return violation2(top->slot, r->slot, "objects overlap partially");
            if (!region_is_untyped(top)) {
                if (r->base != top->base || r->bits != top->bits ||
                    cap_type(r->slot->cap) != cap_type(top->slot->cap))
                    return violation2(top->slot, r->slot, "object lies inside another object");
                continue;    /* another cap to the same object */
            }
            st = check_device_flags(top, r);
            if (st != OK)
                return st;
        }
        if (depth == MAX_NESTING) {
            incomplete = true;
            return OK;
        }
        open[depth++] = r;
    }

    /* The regions inside an untyped follow it in the sorted order (copies of it first). */
    for (word_t i = 0; i < num_regions; i++) {
        const region_t *u = &regions[i];
        word_t end = i + 1;

        if (!region_is_untyped(u) || (i > 0 && same_untyped_region(&regions[i - 1], u)))
            continue;
        while (end < num_regions && regions[end].base < region_end(u))
            end++;
        st = check_untyped_caps_in_run(u, i, end);
        if (st != OK)
            return st;
    }
    return OK;
}

/* ==== Part two: kernel objects and their links ============================================= */

/* ---- reporting --------------------------------------------------------------------------- */

status_t invariants_violation(const char *what, word_t a, word_t b)
{
    kprintf("keel: INVARIANT VIOLATED: %s\n", what);
    kprintf("keel:   (0x%lx, 0x%lx)\n", a, b);
    return fail_illegal(what);
}

static status_t thread_violation(const tcb_t *t, const char *what)
{
    kprintf("keel: INVARIANT VIOLATED: %s\n", what);
    kprintf("keel:   thread '%s' at %p: state %d, prio %u, sc %p, reply %p, blocked on 0x%lx%s%s%s\n",
            t->name, (const void *)t, (int)t->state, t->priority, (void *)t->sc,
            (void *)t->reply, t->blocking_object, t->in_ready_queue ? ", in a ready queue" : "",
            t->in_release_queue ? ", in the release queue" : "",
            t == ks_cur_thread ? ", current" : "");
    return fail_illegal(what);
}

static status_t object_violation(const char *kind, const void *obj, const char *what)
{
    kprintf("keel: INVARIANT VIOLATED: %s\n", what);
    kprintf("keel:   %s at %p\n", kind, obj);
    return fail_illegal(what);
}

/* ---- live objects -------------------------------------------------------------------------- */

/* Index of the first region whose base is at least p (the regions are sorted by now). */
static word_t region_lower_bound(paddr_t p)
{
    word_t lo = 0, hi = num_regions;

    while (lo < hi) {
        word_t mid = lo + (hi - lo) / 2;
        if (regions[mid].base < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A slot holding a cap of 'type' to the object at p (any of them), or NULL. */
static const cte_t *find_cap(word_t type, paddr_t p)
{
    for (word_t i = region_lower_bound(p); i < num_regions && regions[i].base == p; i++)
        if (cap_type(regions[i].slot->cap) == type)
            return regions[i].slot;
    return NULL;
}

static bool is_live(word_t type, const void *obj)
{
    return obj && find_cap(type, paddr_of(obj)) != NULL;
}

/* A TCB that may be referred to: it has a cap, or it is the idle thread. */
static bool live_tcb(const tcb_t *t)
{
    return t && (t == ks_idle_thread || is_live(cap_thread_cap, t));
}

/* An SC that may be referred to: it has a cap, or it is the idle thread's. */
static bool live_sc(const sched_context_t *sc)
{
    return sc && ((ks_idle_thread && sc == ks_idle_thread->sc) || is_live(cap_sched_context_cap, sc));
}

bool invariants_cap_exists(word_t type, paddr_t base, word_t size_bits, bool mapped, word_t w1)
{
    for (word_t i = region_lower_bound(base); i < num_regions && regions[i].base == base; i++) {
        cap_t c = regions[i].slot->cap;
        if (cap_type(c) == type && regions[i].bits == size_bits && c.w1 == w1 &&
            (!mapped || cap_is_mapped(c)))
            return true;
    }
    return false;
}

bool invariants_first_visit(paddr_t addr)
{
    /* Bit 1 keeps these keys apart from slots (32-byte aligned) and arrays (bit 0). */
    bool first = seen_insert((uintptr_t)(addr | 2));
    return first || incomplete;
}

/* The first region of each distinct object of a type, in address order. */
static const region_t *next_object(word_t type, word_t *i)
{
    for (; *i < num_regions; (*i)++) {
        const region_t *r = &regions[*i];
        if (cap_type(r->slot->cap) != type)
            continue;
        if (*i > 0 && regions[*i - 1].base == r->base && cap_type(regions[*i - 1].slot->cap) == type)
            continue;
        (*i)++;
        return r;
    }
    return NULL;
}

/* for (each distinct object of a cap type) { ctype *var = the object; ... } */
#define FOR_EACH_OBJECT(type, ctype, var)                                              \
    for (word_t ix_ = 0, more_ = 1; more_; more_ = 0)                                  \
        for (const region_t *r_; (r_ = next_object(type, &ix_)) != NULL;)              \
            for (ctype *var = pptr_of(r_->base); var; var = NULL)

/* ---- threads ------------------------------------------------------------------------------- */

static word_t num_tcbs;                 /* TCBs in the kernel's list (idle included) */
static word_t num_ready, num_released, num_blocked_waiting;

static bool is_queue_waiter(const tcb_t *t)
{
    return t->state == ThreadState_BlockedOnSend || t->state == ThreadState_BlockedOnReceive ||
           t->state == ThreadState_BlockedOnNotification;
}

static status_t check_thread_links(const tcb_t *t)
{
    const sched_context_t *sc = t->sc;
    const notification_t *n = t->bound_notification;

    if (sc && !live_sc(sc))
        return thread_violation(t, "thread's SC is not a live object");
    if (sc && sc->tcb != t)
        return thread_violation(t, "thread's SC names another thread");
    if (n && !is_live(cap_notification_cap, n))
        return thread_violation(t, "thread's bound notification is not a live object");
    if (n && n->bound_tcb != t)
        return thread_violation(t, "thread's bound notification is bound to another thread");
    if (t->yield_to && !live_sc(t->yield_to))
        return thread_violation(t, "thread yields to an SC that is not a live object");
    if (t->yield_to && t->yield_to->yield_from != t)
        return thread_violation(t, "thread's YieldTo SC does not name it back");
    if (t->reply && !is_live(cap_reply_cap, t->reply))
        return thread_violation(t, "thread's reply object is not a live object");
    return OK;
}

static status_t check_thread_state(const tcb_t *t)
{
    const reply_t *reply = t->reply;

    switch (t->state) {
    case ThreadState_Inactive:
    case ThreadState_Running:
    case ThreadState_Restart:
        if (reply)
            return thread_violation(t, "thread that waits for nothing holds a reply object");
        break;
    case ThreadState_BlockedOnReceive:
        if (!is_live(cap_endpoint_cap, (void *)t->blocking_object))
            return thread_violation(t, "thread receives on an endpoint that is not a live object");
        if (reply && reply->receiver != t)
            return thread_violation(t, "receiving thread's reply object does not name it");
        break;
    case ThreadState_BlockedOnSend:
        if (!is_live(cap_endpoint_cap, (void *)t->blocking_object))
            return thread_violation(t, "thread sends on an endpoint that is not a live object");
        if (reply)
            return thread_violation(t, "sending thread holds a reply object");
        break;
    case ThreadState_BlockedOnReply:
        if (!reply)
            return thread_violation(t, "thread waits for a reply without a reply object");
        if (reply->caller != t)
            return thread_violation(t, "calling thread's reply object does not name it");
        break;
    case ThreadState_BlockedOnNotification:
        if (!is_live(cap_notification_cap, (void *)t->blocking_object))
            return thread_violation(t, "thread waits on a notification that is not a live object");
        if (reply)
            return thread_violation(t, "thread waiting on a notification holds a reply object");
        if (((notification_t *)t->blocking_object)->state != NtfnState_Waiting)
            return thread_violation(t, "thread waits on a notification that is not in state Waiting");
        break;
    case ThreadState_IdleThreadState:
        if (t != ks_idle_thread)
            return thread_violation(t, "a thread other than the idle thread is in the idle state");
        break;
    default:
        return thread_violation(t, "thread state out of range");
    }
    if (t == ks_idle_thread && t->state != ThreadState_IdleThreadState)
        return thread_violation(t, "idle thread is not in the idle state");
    return OK;
}

/* Ready and release queue membership against the state (seL4's valid_queues and
 * valid_blocked): queued threads can run; runnable threads with an active SC are queued
 * (or current, or about to be switched to). */
static status_t check_thread_queues(const tcb_t *t)
{
    bool active = thread_is_runnable(t) && sched_context_is_active(t->sc);

    if (t->in_ready_queue && t->in_release_queue)
        return thread_violation(t, "thread is in a ready queue and the release queue");
    if (t->in_ready_queue && !active)
        return thread_violation(t, "thread in a ready queue is not runnable with an active SC");
    if (t->in_release_queue && !active)
        return thread_violation(t, "thread in the release queue is not runnable with an active SC");
    if (t == ks_cur_thread && (t->in_ready_queue || t->in_release_queue) && entry_state_checks)
        return thread_violation(t, "current thread is queued");
    if (active && !t->in_ready_queue && !t->in_release_queue && t != ks_cur_thread &&
        t != ks_sched_action && t != ks_idle_thread && entry_state_checks)
        return thread_violation(t, "runnable thread with an active SC is in no queue (it would never run)");
    if (t->ep_next && !is_queue_waiter(t))
        return thread_violation(t, "thread that waits on no object is linked into a wait queue");
    return OK;
}

static status_t check_threads(void)
{
    const tcb_t *prev = NULL;
    status_t st;

    num_tcbs = num_ready = num_released = num_blocked_waiting = 0;
    for (const tcb_t *t = tcb_debug_list(); t; prev = t, t = t->debug_next) {
        if (++num_tcbs > num_regions + 2)
            return thread_violation(t, "the kernel's TCB list has a cycle");
        if (t->debug_prev != prev)
            return thread_violation(t, "the kernel's TCB list is not doubly linked");
        if (!live_tcb(t))
            return thread_violation(t, "TCB in the kernel's list has no cap (its memory may be reused)");
        st = check_thread_links(t);
        if (st == OK)
            st = check_thread_state(t);
        if (st == OK)
            st = check_thread_queues(t);
        if (st != OK)
            return st;
        num_ready += t->in_ready_queue;
        num_released += t->in_release_queue;
        num_blocked_waiting += is_queue_waiter(t);
    }
    /* ...and every TCB with a cap is in the list. */
    FOR_EACH_OBJECT(cap_thread_cap, tcb_t, t) {
        if (!t->debug_prev && tcb_debug_list() != t)
            return thread_violation(t, "TCB with a cap is missing from the kernel's list");
    }
    if (entry_state_checks) {
        const tcb_t *cur = ks_cur_thread;
        if (!live_tcb(cur))
            return invariants_violation("current thread is not a live TCB", (word_t)cur, 0);
        if (cur != ks_idle_thread && !thread_is_runnable(cur))
            return thread_violation(cur, "current thread is not runnable");
        if (ks_cur_sc != cur->sc)
            return thread_violation(cur, "the SC being charged is not the current thread's");
        if (ks_sched_action != SCHED_RESUME_CURRENT)
            return invariants_violation("a scheduler action is pending between kernel entries",
                                        (word_t)ks_sched_action, 0);
    }
    return OK;
}

/* ---- ready queues, release queue ------------------------------------------------------------- */

static status_t check_ready_queues(void)
{
    word_t total = 0;

    for (word_t prio = 0; prio < KEEL_NUM_PRIORITIES; prio++) {
        tcb_t *head, *tail, *prev = NULL;
        bool marked;

        sched_debug_ready_queue(prio, &head, &tail, &marked);
        if ((head != NULL) != marked)
            return invariants_violation("priority bitmap disagrees with the ready queue (prio, head)",
                                        prio, (word_t)head);
        for (tcb_t *t = head; t; prev = t, t = t->sched_next) {
            if (++total > num_tcbs)
                return invariants_violation("ready queue has a cycle or foreign threads (prio, thread)",
                                            prio, (word_t)t);
            if (!live_tcb(t))
                return invariants_violation("ready queue holds a TCB that is not live (prio, thread)",
                                            prio, (word_t)t);
            if (t->sched_prev != prev)
                return thread_violation(t, "ready queue is not doubly linked");
            if (t->priority != prio)
                return thread_violation(t, "thread is in the ready queue of another priority");
            if (!t->in_ready_queue)
                return thread_violation(t, "thread in a ready queue is not marked as queued");
        }
        if (tail != prev)
            return invariants_violation("ready queue's tail is not its last thread (prio, tail)",
                                        prio, (word_t)tail);
    }
    if (total != num_ready)
        return invariants_violation("threads marked ready differ from threads in ready queues",
                                    num_ready, total);
    return OK;
}

static status_t check_release_queue(void)
{
    word_t total = 0;
    tcb_t *prev = NULL;

    for (tcb_t *t = release_queue_head(); t; prev = t, t = t->sched_next) {
        if (++total > num_tcbs)
            return invariants_violation("release queue has a cycle or foreign threads", (word_t)t, 0);
        if (!live_tcb(t))
            return invariants_violation("release queue holds a TCB that is not live", (word_t)t, 0);
        if (t->sched_prev != prev)
            return thread_violation(t, "release queue is not doubly linked");
        if (!t->in_release_queue)
            return thread_violation(t, "thread in the release queue is not marked as such");
        if (!sched_context_is_active(t->sc))
            return thread_violation(t, "thread in the release queue has no active SC");
        if (prev && refill_head(prev->sc)->release > refill_head(t->sc)->release)
            return thread_violation(t, "release queue is not sorted by release time");
    }
    if (total != num_released)
        return invariants_violation("threads marked released-later differ from the release queue",
                                    num_released, total);
    return OK;
}

/* ---- endpoints and notifications -------------------------------------------------------------- */

static word_t num_queued_waiters;

/* A wait queue of 'obj': live threads blocked on obj in 'state' (an endpoint's waiters all
 * send or all receive), ordered by priority, doubly linked, tail last. */
static status_t check_wait_queue(const char *kind, const void *obj, tcb_t *head, tcb_t *tail,
                                 bool notification)
{
    tcb_t *prev = NULL;
    word_t n = 0;

    for (tcb_t *t = head; t; prev = t, t = t->ep_next) {
        if (++n > num_tcbs)
            return object_violation(kind, obj, "wait queue has a cycle or foreign threads");
        if (!live_tcb(t))
            return object_violation(kind, obj, "wait queue holds a TCB that is not live");
        if (t->ep_prev != prev)
            return thread_violation(t, "wait queue is not doubly linked");
        if (t->blocking_object != (word_t)obj)
            return thread_violation(t, "thread in a wait queue is blocked on another object");
        if (notification ? t->state != ThreadState_BlockedOnNotification
                         : t->state != head->state || (t->state != ThreadState_BlockedOnSend &&
                                                       t->state != ThreadState_BlockedOnReceive))
            return thread_violation(t, "thread in a wait queue is not in the queue's state");
        if (prev && prev->priority < t->priority)
            return thread_violation(t, "wait queue is not ordered by priority");
    }
    if (tail != prev)
        return object_violation(kind, obj, "wait queue's tail is not its last thread");
    num_queued_waiters += n;
    return OK;
}

static status_t check_endpoints(void)
{
    status_t st;

    FOR_EACH_OBJECT(cap_endpoint_cap, endpoint_t, ep) {
        st = check_wait_queue("endpoint", ep, ep->head, ep->tail, false);
        if (st != OK)
            return st;
    }
    return OK;
}

static status_t check_notifications(void)
{
    status_t st;

    FOR_EACH_OBJECT(cap_notification_cap, notification_t, n) {
        st = check_wait_queue("notification", n, n->head, n->tail, true);
        if (st != OK)
            return st;
        switch (n->state) {
        case NtfnState_Idle:
        case NtfnState_Active:
            if (n->head)
                return object_violation("notification", n, "notification has waiters but is not Waiting");
            break;
        case NtfnState_Waiting:
            if (!n->head)
                return object_violation("notification", n, "notification is Waiting without waiters");
            break;
        default:
            return object_violation("notification", n, "notification state out of range");
        }
        if (n->bound_tcb && !live_tcb(n->bound_tcb))
            return object_violation("notification", n, "notification is bound to a TCB that is not live");
        if (n->bound_tcb && n->bound_tcb->bound_notification != n)
            return object_violation("notification", n, "notification's bound TCB is bound elsewhere");
        if (n->sc && !live_sc(n->sc))
            return object_violation("notification", n, "notification's SC is not a live object");
        if (n->sc && n->sc->notification != n)
            return object_violation("notification", n, "notification's SC names another notification");
    }
    return OK;
}

/* ---- reply objects and scheduling contexts ----------------------------------------------------- */

static status_t check_replies(void)
{
    FOR_EACH_OBJECT(cap_reply_cap, reply_t, r) {
        sched_context_t *sc = reply_next_sc(r);
        reply_t *newer = reply_next_reply(r);

        if (r->caller && r->receiver)
            return object_violation("reply", r, "reply object has both a caller and a receiver");
        if (r->caller && (!live_tcb(r->caller) || r->caller->state != ThreadState_BlockedOnReply ||
                          r->caller->reply != r))
            return object_violation("reply", r, "reply object's caller is not a live thread waiting on it");
        if (r->receiver && (!live_tcb(r->receiver) ||
                            r->receiver->state != ThreadState_BlockedOnReceive ||
                            r->receiver->reply != r))
            return object_violation("reply", r, "reply object's receiver is not a live thread receiving with it");
        if ((r->prev || r->next) && !r->caller)
            return object_violation("reply", r, "reply object in a call stack has no caller");
        if (sc && (!live_sc(sc) || sc->reply != r))
            return object_violation("reply", r, "top of a call stack: its SC does not name it");
        if (newer && (!is_live(cap_reply_cap, newer) || newer->prev != r))
            return object_violation("reply", r, "call stack: the newer reply does not point back");
        if (r->prev && (!is_live(cap_reply_cap, r->prev) || reply_next_reply(r->prev) != r))
            return object_violation("reply", r, "call stack: the older reply does not point forward");
    }
    return OK;
}

static status_t check_refills(const sched_context_t *sc)
{
    word_t index = sc->refill_head;
    ticks_t sum = 0, last = 0;

    if (sc->refill_max < MIN_REFILLS || sc->refill_max > sched_context_refill_capacity(sc->size_bits))
        return object_violation("SC", sc, "refill_max out of range for the SC's size");
    if (sc->refill_count < 1 || sc->refill_count > sc->refill_max || sc->refill_head >= sc->refill_max)
        return object_violation("SC", sc, "refill queue head or count out of range");
    if (sched_context_is_round_robin(sc) && sc->refill_count != 2)
        return object_violation("SC", sc, "round-robin SC does not have exactly two refills");
    for (word_t i = 0; i < sc->refill_count; i++) {
        const refill_t *r = &sc->refills[index];
        if (i > 0 && r->release < last)
            return object_violation("SC", sc, "refills are not in release order");
        last = r->release;
        sum += r->amount;
        index = index + 1 == sc->refill_max ? 0 : index + 1;
    }
    if (sum != sc->budget)
        return object_violation("SC", sc, "refill amounts do not add up to the budget");
    return OK;
}

static status_t check_sc(const sched_context_t *sc, word_t size_bits)
{
    if (size_bits && sc->size_bits != size_bits)
        return object_violation("SC", sc, "SC's size differs from its cap's");
    if (sc->tcb && (!live_tcb(sc->tcb) || sc->tcb->sc != sc))
        return object_violation("SC", sc, "SC's thread is not live or runs on another SC");
    if (sc->notification && (!is_live(cap_notification_cap, sc->notification) ||
                             sc->notification->sc != sc))
        return object_violation("SC", sc, "SC's notification is not live or names another SC");
    if (sc->reply && (!is_live(cap_reply_cap, sc->reply) || reply_next_sc(sc->reply) != sc))
        return object_violation("SC", sc, "SC's call stack top is not live or does not name it");
    if (sc->yield_from && (!live_tcb(sc->yield_from) || sc->yield_from->yield_to != sc))
        return object_violation("SC", sc, "SC's yielding thread is not live or yields elsewhere");
    if (sc->configured != (sc->refill_max > 0))
        return object_violation("SC", sc, "SC's configured flag disagrees with its refills");
    return sched_context_is_active(sc) ? check_refills(sc) : OK;
}

static status_t check_scs(void)
{
    status_t st;

    for (word_t i = 0; i < num_regions; i++) {
        const region_t *r = &regions[i];
        if (cap_type(r->slot->cap) != cap_sched_context_cap ||
            (i > 0 && regions[i - 1].base == r->base &&
             cap_type(regions[i - 1].slot->cap) == cap_sched_context_cap))
            continue;
        st = check_sc(pptr_of(r->base), r->bits);
        if (st != OK)
            return st;
    }
    if (ks_idle_thread && ks_idle_thread->sc)
        return check_sc(ks_idle_thread->sc, 0);
    return OK;
}

/* ---- all of part two ----------------------------------------------------------------------------- */

static status_t check_objects(void)
{
    status_t st;

    st = check_threads();
    if (st == OK)
        st = check_ready_queues();
    if (st == OK)
        st = check_release_queue();
    num_queued_waiters = 0;
    if (st == OK)
        st = check_endpoints();
    if (st == OK)
        st = check_notifications();
    if (st == OK && num_queued_waiters != num_blocked_waiting)
        st = invariants_violation("threads blocked on endpoints/notifications differ from "
                                  "threads in their wait queues", num_blocked_waiting,
                                  num_queued_waiters);
    if (st == OK)
        st = check_replies();
    if (st == OK)
        st = check_scs();
    return st;
}

void invariants_check_entry_state(bool on)
{
    entry_state_checks = on;
}

/* The architecture has nothing to check unless it says otherwise. */
__attribute__((weak)) status_t arch_check_invariants(void)
{
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
    /* Every live thread's slots too (the list is checked properly later; here a cycle
     * only ends the walk). */
    word_t n = 0;
    for (tcb_t *t = tcb_debug_list(); t && n < MAX_ARRAYS; t = t->debug_next, n++)
        push_array(tcb_slot(t, 0), TCB_NUM_SLOTS);
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
    if (incomplete) {
        /* Objects missing from the regions would look dangling: stop here. */
        kprintf("keel: invariant checker: tables full, some checks skipped\n");
        return OK;
    }
    st = check_objects();
    if (st != OK)
        return st;
    st = arch_check_invariants();
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
void invariants_check_entry_state(bool on) { (void)on; }
bool invariants_cap_exists(word_t type, paddr_t base, word_t size_bits, bool mapped, word_t w1)
{
    (void)type; (void)base; (void)size_bits; (void)mapped; (void)w1;
    return true;
}
bool invariants_first_visit(paddr_t addr) { (void)addr; return true; }
status_t invariants_violation(const char *what, word_t a, word_t b)
{
    (void)a; (void)b;
    return fail_illegal(what);
}
__attribute__((weak)) status_t arch_check_invariants(void) { return OK; }

#endif
