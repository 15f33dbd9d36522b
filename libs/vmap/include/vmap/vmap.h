/*
 * libs/vmap: map frames into a VSpace, creating the page tables on the way.
 *
 * The page tables vmap_frame() creates are recorded in a vmap_tables_t (one per
 * VSpace), which also tells it which tables exist, so it never has to try a mapping
 * and fail first. The VSpace region used must not contain tables vmap did not create
 * (for the root task: stay out of the part of the address space its image uses).
 * vmap_tables_free() deletes them and gives their memory back.
 *
 * Untypeds come from libs/ut; caps are in the given cspace (the root task's).
 */
#pragma once

#include <sel4/sel4.h>
#include <cspace/cspace.h>
#include <ut/ut.h>

typedef struct vmap_table {
    seL4_Word key;              /* level and the part of the address it translates */
    seL4_CPtr cap;
    ut_t *ut;
} vmap_table_t;

typedef struct vmap_tables {
    vmap_table_t *entries;      /* storage provided by the owner */
    unsigned count;
    unsigned capacity;
} vmap_tables_t;

static inline void vmap_tables_init(vmap_tables_t *t, vmap_table_t *storage, unsigned capacity)
{
    t->entries = storage;
    t->count = 0;
    t->capacity = capacity;
}

/*
 * Map frame_cap at vaddr (page aligned) in vspace with rights and attrs, creating the
 * missing page tables. Returns seL4_NoError, the kernel's error, or seL4_NotEnoughMemory
 * (out of untypeds, slots or table records).
 */
seL4_Error vmap_frame(cspace_t *cspace, seL4_CPtr frame_cap, seL4_CPtr vspace, seL4_Word vaddr,
                      seL4_CapRights_t rights, seL4_ARM_VMAttributes attrs, vmap_tables_t *tables);

/* Delete every recorded page table and free its memory. */
void vmap_tables_free(cspace_t *cspace, vmap_tables_t *tables);
