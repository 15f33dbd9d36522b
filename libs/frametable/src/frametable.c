/*
 * The root task's frame table. See <frametable/frametable.h>.
 */
#include <frametable/frametable.h>
#include <ut/ut.h>

#define PAGE_SIZE        (1ul << seL4_PageBits)
#define ENTRIES_PER_PAGE (PAGE_SIZE / sizeof(frame_t))
/* Grow the table while this many entries are still free: allocating the table's own
 * page may allocate frames (for the untyped allocator's bookkeeping). */
#define TABLE_RESERVE    8
#define WINDOW_ATTRS     (seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever)

typedef struct frame {
    ut_t *ut;                   /* NULL: entry free */
    uint32_t cap;
    uint32_t next_free;         /* free entries are chained; 0 ends the chain */
} frame_t;

_Static_assert(sizeof(frame_t) == 16, "frame_t is a power of two");

static frame_t *const table = (frame_t *)FRAME_TABLE_BASE;
static size_t capacity;         /* entries in the table's mapped pages */
static size_t next_unused = 1;  /* entries from here on were never used (0 = NULL_FRAME) */
static frame_ref_t free_head;
static size_t num_used;
static bool growing;

static cspace_t *ft_cspace;
static seL4_CPtr ft_vspace;
static vmap_tables_t *ft_tables;

/* A frame from a fresh 4 KiB untyped, mapped at vaddr in the root task. */
static seL4_Error make_frame(seL4_Word vaddr, ut_t **ut_out, seL4_CPtr *cap_out)
{
    ut_t *ut = ut_alloc_4k_untyped(NULL);
    if (ut == NULL) {
        return seL4_NotEnoughMemory;
    }
    seL4_CPtr slot = cspace_alloc_slot(ft_cspace);
    if (slot == seL4_CapNull) {
        ut_free(ut);
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = cspace_untyped_retype(ft_cspace, ut->cap, slot, seL4_ARM_SmallPageObject,
                                           seL4_PageBits);
    if (err == seL4_NoError) {
        err = vmap_frame(ft_cspace, slot, ft_vspace, vaddr, seL4_ReadWrite, WINDOW_ATTRS,
                         ft_tables);
    }
    if (err != seL4_NoError) {
        ut_free(ut);            /* deletes the frame, if it was made */
        cspace_free_slot(ft_cspace, slot);
        return err;
    }
    *ut_out = ut;
    *cap_out = slot;
    return seL4_NoError;
}

/* Map one more page of the table. Its frame is never freed. */
static int grow_table(void)
{
    if (capacity + ENTRIES_PER_PAGE > FRAME_MAX_FRAMES) {
        return -1;
    }
    ut_t *ut;
    seL4_CPtr cap;
    if (make_frame(FRAME_TABLE_BASE + capacity * sizeof(frame_t), &ut, &cap) != seL4_NoError) {
        return -1;
    }
    capacity += ENTRIES_PER_PAGE;
    return 0;
}

int frame_table_init(cspace_t *cspace, seL4_CPtr vspace, vmap_tables_t *tables)
{
    ft_cspace = cspace;
    ft_vspace = vspace;
    ft_tables = tables;
    return grow_table();
}

static bool valid_ref(frame_ref_t frame)
{
    return frame != NULL_FRAME && frame < next_unused && table[frame].ut != NULL;
}

frame_ref_t alloc_frame(void)
{
    if (!growing && free_head == NULL_FRAME && capacity - next_unused < TABLE_RESERVE) {
        growing = true;
        grow_table();
        growing = false;
    }
    frame_ref_t frame;
    if (free_head != NULL_FRAME) {
        frame = free_head;
        free_head = table[frame].next_free;
    } else if (next_unused < capacity) {
        frame = (frame_ref_t)next_unused++;
    } else {
        return NULL_FRAME;
    }
    ut_t *ut;
    seL4_CPtr cap;
    if (make_frame(FRAME_WINDOW_BASE + ((seL4_Word)frame << seL4_PageBits), &ut, &cap) !=
        seL4_NoError) {
        table[frame].next_free = free_head;
        free_head = frame;
        return NULL_FRAME;
    }
    table[frame] = (frame_t){ .ut = ut, .cap = (uint32_t)cap, .next_free = NULL_FRAME };
    num_used++;
    return frame;
}

void free_frame(frame_ref_t frame)
{
    if (!valid_ref(frame)) {
        return;
    }
    frame_t *f = &table[frame];
    cspace_delete(ft_cspace, f->cap);       /* unmaps it from the window */
    cspace_free_slot(ft_cspace, f->cap);
    ut_free(f->ut);
    *f = (frame_t){ .ut = NULL, .cap = 0, .next_free = free_head };
    free_head = frame;
    num_used--;
}

void *frame_data(frame_ref_t frame)
{
    return valid_ref(frame) ? (void *)(FRAME_WINDOW_BASE + ((seL4_Word)frame << seL4_PageBits))
                            : NULL;
}

seL4_ARM_Page frame_page(frame_ref_t frame)
{
    return valid_ref(frame) ? table[frame].cap : seL4_CapNull;
}

seL4_Word frame_paddr(frame_ref_t frame)
{
    return valid_ref(frame) ? table[frame].ut->paddr : 0;
}

frame_ref_t frame_from_vaddr(const void *addr)
{
    seL4_Word a = (seL4_Word)addr;
    if (a < FRAME_WINDOW_BASE) {
        return NULL_FRAME;
    }
    seL4_Word n = (a - FRAME_WINDOW_BASE) >> seL4_PageBits;
    return n < next_unused && valid_ref((frame_ref_t)n) ? (frame_ref_t)n : NULL_FRAME;
}

size_t frame_table_used(void)
{
    return num_used;
}

void *frame_alloc_page(void *cookie)
{
    (void)cookie;
    return frame_data(alloc_frame());
}

void *frame_alloc_page_handle(void *cookie, void **handle)
{
    (void)cookie;
    frame_ref_t frame = alloc_frame();
    *handle = (void *)(seL4_Word)frame;
    return frame_data(frame);
}

void frame_free_page_handle(void *cookie, void *handle)
{
    (void)cookie;
    free_frame((frame_ref_t)(seL4_Word)handle);
}
