/*
 * CSpaces with slot allocation. See <cspace/cspace.h>.
 */
#include <string.h>
#include <cspace/cspace.h>

#define WORD_BITS 64

static cspace_node_t *get_node(cspace_t *c, seL4_Word i)
{
    return i == 0 ? &c->node0 : c->nodes[i];
}

static seL4_CPtr make_cptr(const cspace_t *c, seL4_Word node, seL4_Word index)
{
    return c->two_level ? (node << CSPACE_BOT_BITS) | index : index;
}

/* Bits a cptr of this cspace has above what its CNodes translate. */
static seL4_Word root_guard_bits(const cspace_t *c)
{
    if (c->two_level) {
        return CSPACE_DEPTH - CSPACE_TOP_BITS - CSPACE_BOT_BITS;
    }
    return CSPACE_DEPTH - c->node_bits;
}

static void mark_used(cspace_node_t *node, seL4_Word index)
{
    node->used[index / WORD_BITS] |= 1ul << (index % WORD_BITS);
}

static bool is_used(const cspace_node_t *node, seL4_Word index)
{
    return (node->used[index / WORD_BITS] >> (index % WORD_BITS)) & 1;
}

/* Mark everything from slot 'first' to the end of the bitmap as in use (slots that
 * do not exist in a node smaller than CSPACE_BOT_SLOTS). */
static void mark_absent_from(cspace_node_t *node, seL4_Word first)
{
    for (seL4_Word i = first; i < CSPACE_BOT_SLOTS; i++) {
        mark_used(node, i);
    }
}

/* ---- CNode operations -------------------------------------------------------------------- */

seL4_Error cspace_copy(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr,
                       seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(dest->root_cnode, dest_cptr, CSPACE_DEPTH, src->root_cnode, src_cptr,
                           CSPACE_DEPTH, rights);
}

seL4_Error cspace_mint(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr,
                       seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(dest->root_cnode, dest_cptr, CSPACE_DEPTH, src->root_cnode, src_cptr,
                           CSPACE_DEPTH, rights, badge);
}

seL4_Error cspace_move(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr)
{
    return seL4_CNode_Move(dest->root_cnode, dest_cptr, CSPACE_DEPTH, src->root_cnode, src_cptr,
                           CSPACE_DEPTH);
}

seL4_Error cspace_mutate(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr,
                         seL4_Word badge)
{
    return seL4_CNode_Mutate(dest->root_cnode, dest_cptr, CSPACE_DEPTH, src->root_cnode,
                             src_cptr, CSPACE_DEPTH, badge);
}

seL4_Error cspace_delete(cspace_t *cspace, seL4_CPtr cptr)
{
    return seL4_CNode_Delete(cspace->root_cnode, cptr, CSPACE_DEPTH);
}

seL4_Error cspace_revoke(cspace_t *cspace, seL4_CPtr cptr)
{
    return seL4_CNode_Revoke(cspace->root_cnode, cptr, CSPACE_DEPTH);
}

seL4_Error cspace_irq_control_get(cspace_t *dest, seL4_CPtr cptr, seL4_IRQControl irq_control,
                                  int irq, int edge_triggered)
{
    return seL4_IRQControl_GetTrigger(irq_control, (seL4_Word)irq, edge_triggered != 0,
                                      dest->root_cnode, cptr, CSPACE_DEPTH);
}

seL4_Error cspace_untyped_retype(cspace_t *cspace, seL4_CPtr ut, seL4_CPtr target,
                                 seL4_Word type, size_t size_bits)
{
    if (!cspace->two_level) {
        /* Depth 0 names the root CNode itself; the offset is the slot. */
        return seL4_Untyped_Retype(ut, type, size_bits, cspace->root_cnode, 0, 0, target, 1);
    }
    /* The second-level CNode is the cap in top slot (target >> BOT), reached after
     * translating the guard and the top index. */
    return seL4_Untyped_Retype(ut, type, size_bits, cspace->root_cnode,
                               target >> CSPACE_BOT_BITS, CSPACE_DEPTH - CSPACE_BOT_BITS,
                               target & (CSPACE_BOT_SLOTS - 1), 1);
}

/* ---- slot allocation --------------------------------------------------------------------- */

/* Index of a free slot in node (which has at least one), marked as used. */
static seL4_Word take_free_index(cspace_node_t *node)
{
    for (seL4_Word w = 0; w < CSPACE_BOT_SLOTS / WORD_BITS; w++) {
        if (node->used[w] != ~0ul) {
            seL4_Word bit = (seL4_Word)__builtin_ctzl(~node->used[w]);
            node->used[w] |= 1ul << bit;
            return w * WORD_BITS + bit;
        }
    }
    return 0;       /* not reached: num_free said there was one */
}

/*
 * Create second-level node i of a two-level cspace: its bookkeeping (embedded for node
 * 0), its CNode (retyped in the bootstrap cspace, then moved into top slot i).
 */
static int add_node(cspace_t *c, seL4_Word i)
{
    cspace_t *boot = c->bootstrap != NULL ? c->bootstrap : c;
    cspace_node_t *node = &c->node0;
    void *page = NULL;

    if (i != 0) {
        node = c->alloc.alloc_page(c->alloc.cookie, &page);
        if (node == NULL) {
            return -1;
        }
    }
    seL4_CPtr ut_cap;
    void *ut = c->alloc.alloc_untyped(c->alloc.cookie, CSPACE_BOT_BITS + seL4_SlotBits, &ut_cap);
    if (ut == NULL) {
        goto fail_page;
    }
    seL4_CPtr slot = cspace_alloc_slot(boot);
    if (slot == seL4_CapNull) {
        goto fail_ut;
    }
    if (cspace_untyped_retype(boot, ut_cap, slot, seL4_CapTableObject, CSPACE_BOT_BITS) !=
        seL4_NoError) {
        goto fail_slot;
    }
    /* Top slot i: the top CNode translates the guard and CSPACE_TOP_BITS bits. */
    if (seL4_CNode_Move(c->root_cnode, i, CSPACE_DEPTH - CSPACE_BOT_BITS, boot->root_cnode, slot,
                        CSPACE_DEPTH) != seL4_NoError) {
        cspace_delete(boot, slot);
        goto fail_slot;
    }
    cspace_free_slot(boot, slot);

    memset(node->used, 0, sizeof(node->used));
    node->untyped = ut;
    node->page = page;
    node->num_free = CSPACE_BOT_SLOTS;
    if (i == 0) {
        mark_used(node, 0);     /* cptr 0 stays the null cap */
        node->num_free--;
    } else {
        c->nodes[i] = node;
    }
    c->num_free += node->num_free;
    return 0;

fail_slot:
    cspace_free_slot(boot, slot);
fail_ut:
    c->alloc.free_untyped(c->alloc.cookie, ut);
fail_page:
    if (page != NULL) {
        c->alloc.free_page(c->alloc.cookie, page);
    }
    return -1;
}

/* Add a second-level node to a two-level cspace in the first empty top slot. */
static int grow(cspace_t *c)
{
    for (seL4_Word i = 1; i < CSPACE_TOP_SLOTS; i++) {
        if (c->nodes[i] == NULL) {
            return add_node(c, i);
        }
    }
    return -1;
}

seL4_CPtr cspace_alloc_slot(cspace_t *c)
{
    if (c->two_level && c->has_alloc && !c->growing && c->num_free < CSPACE_RESERVE) {
        /* Growing allocates memory, which takes slots itself: from the reserve. */
        c->growing = true;
        grow(c);
        c->growing = false;
    }
    seL4_Word num_nodes = c->two_level ? CSPACE_TOP_SLOTS : 1;
    for (seL4_Word i = 0; i < num_nodes; i++) {
        cspace_node_t *node = get_node(c, i);
        if (node == NULL || node->num_free == 0) {
            continue;
        }
        seL4_Word index = take_free_index(node);
        node->num_free--;
        c->num_free--;
        return make_cptr(c, i, index);
    }
    return seL4_CapNull;
}

void cspace_free_slot(cspace_t *c, seL4_CPtr slot)
{
    seL4_Word i = c->two_level ? slot >> CSPACE_BOT_BITS : 0;
    seL4_Word index = c->two_level ? slot & (CSPACE_BOT_SLOTS - 1) : slot;
    if (slot == seL4_CapNull || i >= CSPACE_TOP_SLOTS || index >= CSPACE_BOT_SLOTS) {
        return;
    }
    cspace_node_t *node = get_node(c, i);
    if (node == NULL || !is_used(node, index)) {
        return;                 /* not ours, or already free */
    }
    node->used[index / WORD_BITS] &= ~(1ul << (index % WORD_BITS));
    node->num_free++;
    c->num_free++;
}

seL4_Word cspace_num_free(const cspace_t *c)
{
    return c->num_free;
}

/* ---- creation ----------------------------------------------------------------------------- */

int cspace_root_task_bootstrap(cspace_t *bootstrap)
{
    const seL4_BootInfo *bi = seL4_GetBootInfo();
    if (bi == NULL || bi->initThreadCNodeSizeBits > CSPACE_BOT_BITS) {
        return -1;
    }
    memset(bootstrap, 0, sizeof(*bootstrap));
    bootstrap->root_cnode = seL4_CapInitThreadCNode;
    bootstrap->node_bits = (unsigned)bi->initThreadCNodeSizeBits;

    cspace_node_t *node = &bootstrap->node0;
    memset(node->used, 0xff, sizeof(node->used));
    for (seL4_CPtr s = bi->empty.start; s < bi->empty.end; s++) {
        node->used[s / WORD_BITS] &= ~(1ul << (s % WORD_BITS));
        node->num_free++;
    }
    bootstrap->num_free = node->num_free;
    return 0;
}

/* Retype a CNode of 2^bits slots from memory of c's allocator into a new slot of boot,
 * with a guard of guard_bits: *cnode gets the cptr, *ut the memory's handle. */
static int make_guarded_cnode(cspace_t *boot, const cspace_alloc_t *alloc, seL4_Word bits,
                              seL4_Word guard_bits, seL4_CPtr *cnode, void **ut)
{
    seL4_CPtr ut_cap;
    *ut = alloc->alloc_untyped(alloc->cookie, bits + seL4_SlotBits, &ut_cap);
    if (*ut == NULL) {
        return -1;
    }
    seL4_CPtr raw = cspace_alloc_slot(boot);
    seL4_CPtr guarded = cspace_alloc_slot(boot);
    if (raw == seL4_CapNull || guarded == seL4_CapNull) {
        goto fail;
    }
    if (cspace_untyped_retype(boot, ut_cap, raw, seL4_CapTableObject, bits) != seL4_NoError) {
        goto fail;
    }
    seL4_Word data = seL4_CNode_CapData_new(0, guard_bits).words[0];
    if (cspace_mutate(boot, guarded, boot, raw, data) != seL4_NoError) {
        cspace_delete(boot, raw);
        goto fail;
    }
    cspace_free_slot(boot, raw);
    *cnode = guarded;
    return 0;

fail:
    cspace_free_slot(boot, raw);
    cspace_free_slot(boot, guarded);
    alloc->free_untyped(alloc->cookie, *ut);
    return -1;
}

int cspace_root_task_two_level(cspace_t *cspace, cspace_alloc_t alloc)
{
    if (cspace->two_level || cspace->bootstrap != NULL ||
        cspace->root_cnode != seL4_CapInitThreadCNode) {
        return -1;              /* not the root task's bootstrap cspace */
    }
    seL4_Word boot_bits = cspace->node_bits;
    seL4_CPtr top;
    void *top_ut;
    if (make_guarded_cnode(cspace, &alloc, CSPACE_TOP_BITS,
                           CSPACE_DEPTH - CSPACE_TOP_BITS - CSPACE_BOT_BITS, &top, &top_ut) != 0) {
        return -1;
    }
    /* The boot CNode becomes node 0; a guard of zeros makes up for a smaller size, so
     * that a cptr below 2^boot_bits still names the same slot. */
    seL4_Word data = seL4_CNode_CapData_new(0, CSPACE_BOT_BITS - boot_bits).words[0];
    seL4_Error err = seL4_CNode_Mint(top, 0, CSPACE_DEPTH - CSPACE_BOT_BITS, seL4_CapInitThreadCNode,
                                     seL4_CapInitThreadCNode, CSPACE_DEPTH, seL4_AllRights, data);
    if (err == seL4_NoError) {
        err = seL4_TCB_SetSpace(seL4_CapInitThreadTCB, seL4_CapNull, top, 0,
                                seL4_CapInitThreadVSpace, 0);
    }
    if (err != seL4_NoError) {
        cspace_delete(cspace, top);
        cspace_free_slot(cspace, top);
        alloc.free_untyped(alloc.cookie, top_ut);
        return -1;
    }
    cspace->root_cnode = top;
    cspace->root_untyped = top_ut;
    cspace->two_level = true;
    cspace->node_bits = CSPACE_BOT_BITS;
    cspace->alloc = alloc;
    cspace->has_alloc = true;
    mark_absent_from(&cspace->node0, 1ul << boot_bits);
    return 0;
}

int cspace_create_one_level(cspace_t *bootstrap, cspace_t *target)
{
    if (!bootstrap->has_alloc) {
        return -1;
    }
    memset(target, 0, sizeof(*target));
    if (make_guarded_cnode(bootstrap, &bootstrap->alloc, CSPACE_ONE_LEVEL_BITS,
                           CSPACE_DEPTH - CSPACE_ONE_LEVEL_BITS, &target->root_cnode,
                           &target->root_untyped) != 0) {
        return -1;
    }
    target->node_bits = CSPACE_ONE_LEVEL_BITS;
    target->bootstrap = bootstrap;
    target->alloc = bootstrap->alloc;       /* to give the CNode's memory back */
    target->has_alloc = true;
    mark_absent_from(&target->node0, 1ul << CSPACE_ONE_LEVEL_BITS);
    mark_used(&target->node0, 0);
    target->node0.num_free = (1u << CSPACE_ONE_LEVEL_BITS) - 1;
    target->num_free = target->node0.num_free;
    return 0;
}

int cspace_create_two_level(cspace_t *bootstrap, cspace_t *target, cspace_alloc_t cspace_alloc)
{
    memset(target, 0, sizeof(*target));
    target->two_level = true;
    target->node_bits = CSPACE_BOT_BITS;
    target->bootstrap = bootstrap;
    target->alloc = cspace_alloc;
    target->has_alloc = true;
    if (make_guarded_cnode(bootstrap, &cspace_alloc, CSPACE_TOP_BITS, root_guard_bits(target),
                           &target->root_cnode, &target->root_untyped) != 0) {
        return -1;
    }
    if (add_node(target, 0) != 0) {
        cspace_delete(bootstrap, target->root_cnode);
        cspace_free_slot(bootstrap, target->root_cnode);
        cspace_alloc.free_untyped(cspace_alloc.cookie, target->root_untyped);
        return -1;
    }
    return 0;
}

void cspace_destroy(cspace_t *c)
{
    cspace_t *boot = c->bootstrap;
    if (boot == NULL) {
        return;                 /* the root task's own cspace stays */
    }
    /* Deleting the root CNode deletes every cap in it, second-level CNodes included
     * (their only caps are in the top CNode). */
    cspace_delete(boot, c->root_cnode);
    cspace_free_slot(boot, c->root_cnode);
    if (c->two_level) {
        for (seL4_Word i = 0; i < CSPACE_TOP_SLOTS; i++) {
            cspace_node_t *node = get_node(c, i);
            if (node == NULL) {
                continue;
            }
            c->alloc.free_untyped(c->alloc.cookie, node->untyped);
            if (node->page != NULL) {
                c->alloc.free_page(c->alloc.cookie, node->page);
            }
        }
    }
    c->alloc.free_untyped(c->alloc.cookie, c->root_untyped);
    memset(c, 0, sizeof(*c));
}
