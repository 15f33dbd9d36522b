/*
 * libs/cspace: CSpaces for a root task, with slot allocation.
 *
 * A cspace_t describes one CSpace and which of its slots are in use. Every cptr of
 * every cspace_t resolves at depth 64 (seL4_WordBits): the root CNode cap is given a
 * guard that covers the bits the CNodes do not translate. All invocations are made by
 * the root task, so a cspace's root_cnode is a cptr in the root task's own CSpace.
 *
 * One level: a single CNode of 2^CSPACE_ONE_LEVEL_BITS slots (cptr = slot index).
 * Two levels: a top CNode of 2^CSPACE_TOP_BITS slots, each holding a second-level
 * CNode of 2^CSPACE_BOT_BITS slots (cptr = top index << CSPACE_BOT_BITS | index).
 * Second-level CNodes are created on demand through the cspace_alloc_t callbacks,
 * always keeping CSPACE_RESERVE free slots so that the allocations needed to grow
 * (which take slots themselves) can succeed.
 *
 * The root task starts with a one-level view of its boot CNode
 * (cspace_root_task_bootstrap) and can then switch to a two-level CSpace whose first
 * second-level node is the boot CNode (cspace_root_task_two_level); cptrs in the boot
 * CNode, seL4_CapInitThreadTCB and friends, keep their values.
 *
 * A cspace_t must not be copied once created (it is referred to by address). Not
 * thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sel4/sel4.h>

#define CSPACE_DEPTH            seL4_WordBits
#define CSPACE_ONE_LEVEL_BITS   10
#define CSPACE_TOP_BITS         8
#define CSPACE_BOT_BITS         13
#define CSPACE_BOT_SLOTS        (1ul << CSPACE_BOT_BITS)
#define CSPACE_TOP_SLOTS        (1ul << CSPACE_TOP_BITS)
/* A two-level cspace grows when fewer free slots than this remain. */
#define CSPACE_RESERVE          128

/* Memory for CNodes and bookkeeping, provided by the creator of a cspace. */
typedef struct cspace_alloc {
    /* An untyped of exactly 2^size_bits bytes, its cap in the bootstrap cspace in *cap.
     * Returns a handle for free_untyped, or NULL when out of memory. */
    void *(*alloc_untyped)(void *cookie, size_t size_bits, seL4_CPtr *cap);
    void (*free_untyped)(void *cookie, void *untyped);
    /* 4 KiB of zeroed memory mapped in the root task. Returns its address and a
     * handle for free_page in *handle, or NULL when out of memory. */
    void *(*alloc_page)(void *cookie, void **handle);
    void (*free_page)(void *cookie, void *handle);
    void *cookie;
} cspace_alloc_t;

/* The slots of one CNode (the only one of a one-level cspace, or a second-level one). */
typedef struct cspace_node {
    void *untyped;              /* its memory (NULL: not ours, e.g. the boot CNode) */
    void *page;                 /* the page holding this struct (NULL: embedded) */
    unsigned num_free;
    seL4_Word used[CSPACE_BOT_SLOTS / seL4_WordBits];   /* one bit per slot, 1 = in use */
} cspace_node_t;

typedef struct cspace {
    seL4_CNode root_cnode;      /* cptr (in the root task's CSpace) of the root CNode */
    bool two_level;
    bool growing;               /* inside grow(): allocate from the reserve */
    unsigned node_bits;         /* slots per node: 2^node_bits */
    seL4_Word num_free;         /* over all nodes */
    struct cspace *bootstrap;   /* holds root_cnode (NULL: root_cnode is in this cspace) */
    void *root_untyped;         /* memory of the root CNode (NULL: the boot CNode) */
    cspace_alloc_t alloc;
    bool has_alloc;
    cspace_node_t node0;        /* one level: the CNode; two levels: second-level node 0 */
    cspace_node_t *nodes[CSPACE_TOP_SLOTS];     /* two levels: nodes 1.. (NULL: absent) */
} cspace_t;

/* A one-level view of the root task's boot CNode; its empty slots come from bootinfo.
 * Returns 0, or -1 if the boot CNode is larger than a cspace node. */
int cspace_root_task_bootstrap(cspace_t *bootstrap);

/*
 * Turn the root task's bootstrap cspace (from cspace_root_task_bootstrap) into a
 * two-level cspace with the boot CNode as second-level node 0, and make it the root
 * task's CSpace (TCB_SetSpace). It grows through alloc from then on. Returns 0 or -1.
 */
int cspace_root_task_two_level(cspace_t *cspace, cspace_alloc_t alloc);

/* A new one-level cspace whose CNode memory comes from bootstrap's allocator. Slot 0
 * is kept free (cptr 0 is the null cap). Returns 0 or -1. */
int cspace_create_one_level(cspace_t *bootstrap, cspace_t *target);

/* A new two-level cspace growing through cspace_alloc; its root CNode cap lives in
 * bootstrap. Returns 0 or -1. */
int cspace_create_two_level(cspace_t *bootstrap, cspace_t *target, cspace_alloc_t cspace_alloc);

/* Delete a cspace created by cspace_create_*: its CNodes (and every cap in them) and
 * their memory. */
void cspace_destroy(cspace_t *c);

/* A free slot, or seL4_CapNull when there is none (and the cspace cannot grow). */
seL4_CPtr cspace_alloc_slot(cspace_t *c);
void cspace_free_slot(cspace_t *c, seL4_CPtr slot);

/* CNode operations; dest/src are cspaces, cptrs are slots in them. */
seL4_Error cspace_copy(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr,
                       seL4_CapRights_t rights);
seL4_Error cspace_mint(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr,
                       seL4_CapRights_t rights, seL4_Word badge);
seL4_Error cspace_move(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr);
seL4_Error cspace_mutate(cspace_t *dest, seL4_CPtr dest_cptr, cspace_t *src, seL4_CPtr src_cptr,
                         seL4_Word badge);
seL4_Error cspace_delete(cspace_t *cspace, seL4_CPtr cptr);
seL4_Error cspace_revoke(cspace_t *cspace, seL4_CPtr cptr);

/* IRQControl_GetTrigger into slot cptr of dest; edge_triggered: 1 edge, 0 level. */
seL4_Error cspace_irq_control_get(cspace_t *dest, seL4_CPtr cptr, seL4_IRQControl irq_control,
                                  int irq, int edge_triggered);

/* Retype one object of the given type from untyped ut (a cptr in cspace) into the
 * empty slot target of cspace. */
seL4_Error cspace_untyped_retype(cspace_t *cspace, seL4_CPtr ut, seL4_CPtr target,
                                 seL4_Word type, size_t size_bits);

/* Number of free slots (not counting slots a two-level cspace could still add). */
seL4_Word cspace_num_free(const cspace_t *c);
