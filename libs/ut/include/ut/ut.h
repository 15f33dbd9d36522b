/*
 * libs/ut: a buddy allocator over the root task's untyped memory.
 *
 * Every boot untyped is the root of a binary tree. ut_alloc(size_bits) takes a free
 * block of that size, or splits a larger one: the block's untyped is retyped into two
 * untypeds of half its size (the children), one is used and the other goes on the free
 * list of its size. ut_free() revokes the block's untyped (destroying every object
 * retyped from it, wherever their caps are) and merges it with its buddy while both are
 * free, deleting the children so that the parent's memory can be retyped whole again.
 *
 * RAM untypeds are found by size; device untypeds only by physical address
 * (ut_alloc_4k_device), and are split the same way.
 *
 * All untyped caps the allocator creates live in the cspace given to ut_init (which
 * must be the root task's). Bookkeeping nodes come from a static pool, refilled with
 * pages from the function given to ut_set_page_allocator once one exists. Not
 * thread-safe.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sel4/sel4.h>
#include <cspace/cspace.h>

typedef enum ut_state {
    UT_FREE,
    UT_ALLOCATED,
    UT_SPLIT,
} ut_state_t;

typedef struct ut {
    seL4_CPtr cap;              /* the untyped, in the allocator's cspace */
    seL4_Word paddr;
    uint8_t size_bits;
    uint8_t state;              /* ut_state_t */
    bool is_device;
    struct ut *parent;          /* NULL for a boot untyped */
    struct ut *child[2];        /* when split: lower and upper half */
    struct ut *next, *prev;     /* free list of its size (and the spare node list) */
} ut_t;

/* Take over every untyped listed in bootinfo; child caps go into cspace. */
void ut_init(const seL4_BootInfo *bi, cspace_t *cspace);

/* Where to get 4 KiB pages (mapped, writable) for more bookkeeping nodes. */
void ut_set_page_allocator(void *(*alloc_page)(void *cookie), void *cookie);

/* A RAM untyped of exactly 2^size_bits bytes (4 <= size_bits), or NULL. cspace must be
 * the one given to ut_init. */
ut_t *ut_alloc(size_t size_bits, cspace_t *cspace);

/* A 4 KiB RAM untyped; *paddr receives its physical address. */
ut_t *ut_alloc_4k_untyped(seL4_Word *paddr);

/* The 4 KiB device untyped at physical address paddr (page aligned), or NULL if no
 * device untyped covers it or that page is already allocated. */
ut_t *ut_alloc_4k_device(seL4_Word paddr);

/* Give a block back: every object retyped from it is destroyed (its untyped is
 * revoked). Slots that held caps to those objects become empty but stay allocated in
 * their cspaces; their owners free them. */
void ut_free(ut_t *ut);

typedef struct ut_stats {
    seL4_Word free_bytes;       /* RAM in free blocks */
    seL4_Word total_bytes;      /* all RAM untypeds */
    unsigned largest_free_bits; /* size of the largest free block (0: none) */
    unsigned nodes_in_use;
    unsigned nodes_spare;
} ut_stats_t;

ut_stats_t ut_get_stats(void);
