/*
 * libs/process: the root task's memory environment, built from bootinfo.
 *
 * root_env_init() puts the libraries together in the order they depend on each other:
 *   1. a one-level view of the boot CNode (libs/cspace),
 *   2. the untyped allocator over all boot untypeds (libs/ut),
 *   3. the frame table (libs/frametable), which from then on supplies the untyped
 *      allocator's bookkeeping pages,
 *   4. the switch to a two-level CSpace that grows through ut/frametable.
 * The root task's own page tables below ROOT_DYNAMIC_BASE are the kernel's; everything
 * mapped later (frame window, frame table, devices, thread stacks) lies above it and
 * its page tables are recorded in env->tables.
 */
#pragma once

#include <sel4/sel4.h>
#include <cspace/cspace.h>
#include <ut/ut.h>
#include <vmap/vmap.h>
#include <frametable/frametable.h>

#define ROOT_DYNAMIC_BASE   0x8000000000ul      /* the second 512 GiB */
#define ROOT_DEVICE_REGION  0xD000000000ul
#define ROOT_MAX_TABLES     1024

typedef struct root_env {
    const seL4_BootInfo *bi;
    cspace_t cspace;
    vmap_tables_t tables;
    vmap_table_t table_store[ROOT_MAX_TABLES];
    seL4_Word next_device_vaddr;
} root_env_t;

/* Returns 0, or -1 naming the failed step on the console. */
int root_env_init(root_env_t *env, const seL4_BootInfo *bi);

/* cspace_alloc_t callbacks backed by libs/ut and libs/frametable (for env->cspace). */
cspace_alloc_t root_env_cspace_alloc(root_env_t *env);

/* Map the 4 KiB device page at paddr uncached into the root task; its address, or NULL. */
void *root_env_map_device(root_env_t *env, seL4_Word paddr);

/* Retype a new kernel object (type, size_bits as for Untyped_Retype, memory of
 * 2^mem_bits bytes) into a new slot; *ut receives its memory. seL4_CapNull on failure. */
seL4_CPtr root_env_new_object(root_env_t *env, seL4_Word type, size_t size_bits, size_t mem_bits,
                              ut_t **ut);
