/*
 * libs/frametable: the root task's 4 KiB frames.
 *
 * alloc_frame() retypes a frame from a 4 KiB untyped (libs/ut) and maps it in the root
 * task's frame window: frame number n is at FRAME_WINDOW_BASE + n * 4 KiB, so
 * frame_data() is simple arithmetic. A new frame is zero-filled (the kernel clears
 * frames it retypes from RAM). free_frame() deletes the frame and gives its memory
 * back to the untyped allocator. A frame_ref_t is the frame's number; NULL_FRAME is 0.
 *
 * To map a frame into another VSpace, copy frame_page() (each mapping needs its own cap)
 * and map the copy. Freeing the frame revokes its untyped, which also deletes such
 * copies (unmapping them); their slots stay allocated.
 *
 * The table itself grows page by page in its own region (FRAME_TABLE_BASE). Both
 * regions are in the second 512 GiB of the root task's address space, away from its
 * image. Not thread-safe.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sel4/sel4.h>
#include <cspace/cspace.h>
#include <vmap/vmap.h>

#define FRAME_WINDOW_BASE   0x8000000000ul
#define FRAME_TABLE_BASE    0xC000000000ul
#define FRAME_MAX_FRAMES    (1ul << 20)         /* 4 GiB of frames */

typedef uint32_t frame_ref_t;
#define NULL_FRAME ((frame_ref_t)0)

/* Set up the table. Frames are mapped into vspace (the root task's) using tables
 * (page tables created are recorded there). Returns 0 or -1. */
int frame_table_init(cspace_t *cspace, seL4_CPtr vspace, vmap_tables_t *tables);

/* A zeroed frame mapped in the window, or NULL_FRAME when out of memory. */
frame_ref_t alloc_frame(void);
void free_frame(frame_ref_t frame);

/* The frame's contents in the window. */
void *frame_data(frame_ref_t frame);
/* The frame's cap (the one mapped in the window) and physical address. */
seL4_ARM_Page frame_page(frame_ref_t frame);
seL4_Word frame_paddr(frame_ref_t frame);

/* The frame whose window mapping contains addr, or NULL_FRAME. */
frame_ref_t frame_from_vaddr(const void *addr);

/* Frames currently allocated. */
size_t frame_table_used(void);

/* Page allocators on top of alloc_frame, for libs/ut (ut_set_page_allocator) and
 * libs/cspace (cspace_alloc_t: the handle is the frame). */
void *frame_alloc_page(void *cookie);
void *frame_alloc_page_handle(void *cookie, void **handle);
void frame_free_page_handle(void *cookie, void *handle);
