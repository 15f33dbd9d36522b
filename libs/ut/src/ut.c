/*
 * Buddy allocator over untyped memory. See <ut/ut.h>.
 */
#include <string.h>
#include <ut/ut.h>

#define UT_MIN_BITS      seL4_MinUntypedBits
#define UT_MAX_BITS      seL4_MaxUntypedBits
#define UT_PAGE_BITS     seL4_PageBits
#define UT_STATIC_NODES  512
/* Refill the spare nodes when fewer than this remain: enough for the deepest split
 * plus the allocations that a refill and a cspace growth make on the way. */
#define UT_NODES_LOW     192

static cspace_t *ut_cspace;
static ut_t *free_lists[UT_MAX_BITS + 1];     /* RAM blocks by size */
static ut_t *device_roots;                    /* boot device untypeds, linked by next */
static seL4_Word total_bytes;

static ut_t static_nodes[UT_STATIC_NODES];
static ut_t *spare_nodes;
static unsigned num_spare, num_in_use;

static void *(*page_alloc)(void *cookie);
static void *page_cookie;
static bool refilling;

/* ---- bookkeeping nodes --------------------------------------------------------------------- */

static void add_spare_nodes(ut_t *nodes, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        nodes[i].next = spare_nodes;
        spare_nodes = &nodes[i];
        num_spare++;
    }
}

static ut_t *node_new(void)
{
    ut_t *n = spare_nodes;
    if (n == NULL) {
        return NULL;
    }
    spare_nodes = n->next;
    num_spare--;
    num_in_use++;
    memset(n, 0, sizeof(*n));
    return n;
}

static void node_delete(ut_t *n)
{
    n->next = spare_nodes;
    spare_nodes = n;
    num_spare++;
    num_in_use--;
}

/* Top the spare nodes up with fresh pages. The page allocator allocates untypeds
 * itself; it then finds 'refilling' set and takes nodes from the spares. */
static void refill(void)
{
    if (page_alloc == NULL || refilling || num_spare >= UT_NODES_LOW) {
        return;
    }
    refilling = true;
    while (num_spare < 2 * UT_NODES_LOW) {
        void *page = page_alloc(page_cookie);
        if (page == NULL) {
            break;
        }
        add_spare_nodes(page, (1ul << UT_PAGE_BITS) / sizeof(ut_t));
    }
    refilling = false;
}

/* ---- free lists ---------------------------------------------------------------------------- */

static void list_push(ut_t *ut)
{
    ut_t **head = &free_lists[ut->size_bits];
    ut->prev = NULL;
    ut->next = *head;
    if (*head != NULL) {
        (*head)->prev = ut;
    }
    *head = ut;
}

static void list_remove(ut_t *ut)
{
    if (ut->prev != NULL) {
        ut->prev->next = ut->next;
    } else {
        free_lists[ut->size_bits] = ut->next;
    }
    if (ut->next != NULL) {
        ut->next->prev = ut->prev;
    }
    ut->next = ut->prev = NULL;
}

/* ---- splitting and merging ------------------------------------------------------------------ */

static ut_t *new_child(ut_t *parent, seL4_CPtr cap, seL4_Word offset)
{
    ut_t *child = node_new();
    child->cap = cap;
    child->paddr = parent->paddr + offset;
    child->size_bits = parent->size_bits - 1;
    child->state = UT_FREE;
    child->is_device = parent->is_device;
    child->parent = parent;
    return child;
}

/*
 * Retype ut (taken off the free lists by the caller) into two halves. On success ut is
 * UT_SPLIT and both children are UT_FREE (not on any list).
 */
static bool split(ut_t *ut)
{
    seL4_Word half_bits = ut->size_bits - 1u;
    if (half_bits < UT_MIN_BITS || num_spare < 2) {
        return false;
    }
    seL4_CPtr lo = cspace_alloc_slot(ut_cspace);
    seL4_CPtr hi = cspace_alloc_slot(ut_cspace);
    if (lo == seL4_CapNull || hi == seL4_CapNull || num_spare < 2) {
        goto fail;
    }
    /* An untyped without children is retyped from its start: lower half, then upper. */
    if (cspace_untyped_retype(ut_cspace, ut->cap, lo, seL4_UntypedObject, half_bits) !=
        seL4_NoError) {
        goto fail;
    }
    if (cspace_untyped_retype(ut_cspace, ut->cap, hi, seL4_UntypedObject, half_bits) !=
        seL4_NoError) {
        cspace_delete(ut_cspace, lo);
        goto fail;
    }
    ut->child[0] = new_child(ut, lo, 0);
    ut->child[1] = new_child(ut, hi, 1ul << half_bits);
    ut->state = UT_SPLIT;
    return true;

fail:
    cspace_free_slot(ut_cspace, lo);
    cspace_free_slot(ut_cspace, hi);
    return false;
}

/* Mark ut free and merge it upwards with free buddies; put the result on its list. */
static void release(ut_t *ut)
{
    ut->state = UT_FREE;
    while (ut->parent != NULL) {
        ut_t *parent = ut->parent;
        ut_t *buddy = parent->child[ut == parent->child[0] ? 1 : 0];
        if (buddy->state != UT_FREE) {
            break;
        }
        if (!buddy->is_device) {
            list_remove(buddy);
        }
        /* With both child caps gone the parent has no children, so its next Retype
         * starts again at its beginning. */
        for (int i = 0; i < 2; i++) {
            cspace_delete(ut_cspace, parent->child[i]->cap);
            cspace_free_slot(ut_cspace, parent->child[i]->cap);
            node_delete(parent->child[i]);
            parent->child[i] = NULL;
        }
        parent->state = UT_FREE;
        ut = parent;
    }
    if (!ut->is_device) {
        list_push(ut);
    }
}

/* ---- interface ------------------------------------------------------------------------------- */

void ut_init(const seL4_BootInfo *bi, cspace_t *cspace)
{
    ut_cspace = cspace;
    add_spare_nodes(static_nodes, UT_STATIC_NODES);

    seL4_Word count = bi->untyped.end - bi->untyped.start;
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        ut_t *ut = node_new();
        if (ut == NULL) {
            break;
        }
        ut->cap = bi->untyped.start + i;
        ut->paddr = d->paddr;
        ut->size_bits = d->sizeBits;
        ut->is_device = d->isDevice != 0;
        ut->state = UT_FREE;
        if (ut->is_device) {
            ut->next = device_roots;
            device_roots = ut;
        } else {
            total_bytes += 1ul << ut->size_bits;
            list_push(ut);
        }
    }
}

void ut_set_page_allocator(void *(*alloc_page)(void *cookie), void *cookie)
{
    page_alloc = alloc_page;
    page_cookie = cookie;
}

ut_t *ut_alloc(size_t size_bits, cspace_t *cspace)
{
    if (cspace != ut_cspace || size_bits < UT_MIN_BITS || size_bits > UT_MAX_BITS) {
        return NULL;
    }
    refill();

    size_t bits = size_bits;
    while (bits <= UT_MAX_BITS && free_lists[bits] == NULL) {
        bits++;
    }
    if (bits > UT_MAX_BITS) {
        return NULL;
    }
    ut_t *ut = free_lists[bits];
    list_remove(ut);
    ut->state = UT_ALLOCATED;   /* ours while we split it */
    while (ut->size_bits > size_bits) {
        if (!split(ut)) {
            release(ut);
            return NULL;
        }
        list_push(ut->child[1]);
        ut = ut->child[0];
        ut->state = UT_ALLOCATED;
    }
    return ut;
}

ut_t *ut_alloc_4k_untyped(seL4_Word *paddr)
{
    ut_t *ut = ut_alloc(UT_PAGE_BITS, ut_cspace);
    if (ut != NULL && paddr != NULL) {
        *paddr = ut->paddr;
    }
    return ut;
}

ut_t *ut_alloc_4k_device(seL4_Word paddr)
{
    if ((paddr & ((1ul << UT_PAGE_BITS) - 1)) != 0) {
        return NULL;
    }
    refill();

    ut_t *ut = device_roots;
    while (ut != NULL && !(paddr >= ut->paddr && paddr - ut->paddr < (1ul << ut->size_bits))) {
        ut = ut->next;
    }
    if (ut == NULL || ut->size_bits < UT_PAGE_BITS) {
        return NULL;
    }
    /* Walk down towards paddr, splitting free blocks on the way. */
    for (;;) {
        if (ut->state == UT_ALLOCATED) {
            return NULL;
        }
        if (ut->state == UT_SPLIT) {
            ut_t *upper = ut->child[1];
            ut = paddr >= upper->paddr ? upper : ut->child[0];
            continue;
        }
        ut->state = UT_ALLOCATED;
        if (ut->size_bits == UT_PAGE_BITS) {
            return ut;
        }
        if (!split(ut)) {
            release(ut);
            return NULL;
        }
    }
}

void ut_free(ut_t *ut)
{
    if (ut == NULL || ut->state != UT_ALLOCATED) {
        return;
    }
    cspace_revoke(ut_cspace, ut->cap);
    release(ut);
}

ut_stats_t ut_get_stats(void)
{
    ut_stats_t s = { .total_bytes = total_bytes, .nodes_in_use = num_in_use,
                     .nodes_spare = num_spare };
    for (unsigned bits = UT_MIN_BITS; bits <= UT_MAX_BITS; bits++) {
        for (ut_t *ut = free_lists[bits]; ut != NULL; ut = ut->next) {
            s.free_bytes += 1ul << bits;
            s.largest_free_bits = bits;
        }
    }
    return s;
}
