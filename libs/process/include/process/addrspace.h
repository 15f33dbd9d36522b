/*
 * libs/process: address spaces of processes, managed by the root task.
 *
 * An addrspace_t is a VSpace plus what the root task knows about it: the regions that
 * are valid (with their rights), the page tables it created (libs/vmap) and every page
 * it mapped (frame and the cap of the mapping), so that as_destroy() can give it all
 * back. Pages are mapped eagerly (as_map_frame, as_map_new_page) or on a VM fault in a
 * valid region (as_handle_fault: demand paging with zero-filled frames).
 *
 * All caps are in the root task's cspace. Page records are kept in frames from
 * libs/frametable.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sel4/sel4.h>
#include <cspace/cspace.h>
#include <ut/ut.h>
#include <vmap/vmap.h>
#include <frametable/frametable.h>

#define AS_MAX_REGIONS  16
#define AS_MAX_TABLES   64

typedef struct as_region {
    seL4_Word start, end;       /* page aligned, [start, end) */
    seL4_CapRights_t rights;
    seL4_ARM_VMAttributes attrs;
} as_region_t;

typedef struct addrspace {
    cspace_t *cspace;
    seL4_CPtr vspace;
    ut_t *vspace_ut;
    unsigned num_regions;
    as_region_t regions[AS_MAX_REGIONS];
    vmap_table_t table_store[AS_MAX_TABLES];
    vmap_tables_t tables;
    frame_ref_t records;        /* newest page of mapping records */
    size_t num_pages;           /* pages mapped */
} addrspace_t;

typedef enum as_fault_result {
    AS_FAULT_MAPPED,            /* a page was mapped: restart the thread */
    AS_FAULT_INVALID,           /* outside any region, or an access the region forbids */
    AS_FAULT_NO_MEMORY,
} as_fault_result_t;

/* A new VSpace with an ASID from asid_pool. Returns 0 or -1. */
int as_create(addrspace_t *as, cspace_t *cspace, seL4_ARM_ASIDPool asid_pool);

/* Unmap and free every page, page table and the VSpace. */
void as_destroy(addrspace_t *as);

/* Declare [start, start + size) (widened to pages) valid with these rights and
 * attributes. Regions may not overlap. Returns 0 or -1. */
int as_define_region(addrspace_t *as, seL4_Word start, seL4_Word size, seL4_CapRights_t rights,
                     seL4_ARM_VMAttributes attrs);

/* The region containing vaddr, or NULL. */
const as_region_t *as_find_region(const addrspace_t *as, seL4_Word vaddr);

/* Map frame (owned by the address space from now on, freed by as_destroy) at the page
 * vaddr. Returns 0, or -1 (the frame is then still the caller's). */
int as_map_frame(addrspace_t *as, frame_ref_t frame, seL4_Word vaddr, seL4_CapRights_t rights,
                 seL4_ARM_VMAttributes attrs);

/* Map a new zeroed frame at the page vaddr; its contents (in the root task's frame
 * window) in *data if data is not NULL. Returns 0 or -1. */
int as_map_new_page(addrspace_t *as, seL4_Word vaddr, seL4_CapRights_t rights,
                    seL4_ARM_VMAttributes attrs, void **data);

/*
 * A VM fault at vaddr: instruction says whether it was an instruction fetch, fsr is the
 * fault status (ESR) from the fault message. A translation fault in a region that allows
 * the access gets a zeroed page.
 */
as_fault_result_t as_handle_fault(addrspace_t *as, seL4_Word vaddr, bool instruction,
                                  seL4_Word fsr);
