/*
 * libs/simple_alloc: a bump allocator for a root task, over bootinfo's free slot range
 * and its non-device untypeds. Nothing is ever freed.
 *
 * It mirrors the kernel's placement rule (an object goes at the untyped's free index
 * rounded up to the object's size), so it must be the only user of those untypeds.
 */
#pragma once

#include <stdbool.h>
#include <sel4/sel4.h>
#include <mapping/mapping.h>

#define SIMPLE_ALLOC_MAX_UNTYPEDS 256

typedef struct simple_untyped {
    seL4_Untyped cap;
    seL4_Word size_bits;
    seL4_Word used;          /* bytes from the start already handed out */
} simple_untyped_t;

typedef struct simple_alloc {
    seL4_CNode cspace_root;          /* the root CNode (slot index = cptr) */
    seL4_CPtr next_slot;
    seL4_CPtr end_slot;              /* first slot not ours */
    unsigned num_untypeds;
    simple_untyped_t untypeds[SIMPLE_ALLOC_MAX_UNTYPEDS];
} simple_alloc_t;

/* Take over bootinfo's empty slots and RAM untypeds. */
void simple_alloc_init(simple_alloc_t *a, const seL4_BootInfo *bi);

/* An empty slot of the root CNode, or seL4_CapNull. */
seL4_CPtr simple_alloc_slot(simple_alloc_t *a);

/* Retype one object (size_bits as for Untyped_Retype) into a new slot. */
seL4_Error simple_alloc_object(simple_alloc_t *a, seL4_Word type, seL4_Word size_bits,
                               seL4_CPtr *cap);

/* A fresh untyped of exactly 2^size_bits bytes, or seL4_CapNull. */
seL4_CPtr simple_alloc_untyped(simple_alloc_t *a, seL4_Word size_bits);

/* Callbacks for libs/mapping backed by this allocator. */
mapping_alloc_t simple_alloc_mapping(simple_alloc_t *a);

/* Bytes of untyped memory not yet handed out (alignment gaps ignored). */
seL4_Word simple_alloc_bytes_free(const simple_alloc_t *a);
