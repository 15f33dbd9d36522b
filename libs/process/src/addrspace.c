/*
 * Address spaces with regions, page records and demand paging. See <process/addrspace.h>.
 */
#include <string.h>
#include <process/addrspace.h>

#define PAGE_SIZE   (1ul << seL4_PageBits)
#define PAGE_MASK   (PAGE_SIZE - 1)

/* ESR_EL1 fields of an abort from EL0. */
#define ESR_WNR             (1ul << 6)      /* data abort caused by a write */
#define ESR_FSC(esr)        ((esr) & 0x3f)
#define FSC_IS_TRANSLATION(fsc) (((fsc) & 0x3c) == 0x04)   /* level 0..3 translation fault */

/* One mapping: the frame and the cap (a copy of the frame's) that maps it here. */
typedef struct as_page {
    seL4_Word vaddr;
    frame_ref_t frame;
    uint32_t cap;
} as_page_t;

#define RECORDS_PER_PAGE ((PAGE_SIZE - 16) / sizeof(as_page_t))

/* A frame full of records; record pages are chained, newest first. */
typedef struct as_record_page {
    frame_ref_t next;
    uint32_t count;
    uint64_t pad;
    as_page_t pages[RECORDS_PER_PAGE];
} as_record_page_t;

_Static_assert(sizeof(as_record_page_t) == PAGE_SIZE, "a record page fills a frame");

int as_create(addrspace_t *as, cspace_t *cspace, seL4_ARM_ASIDPool asid_pool)
{
    memset(as, 0, sizeof(*as));
    as->cspace = cspace;
    vmap_tables_init(&as->tables, as->table_store, AS_MAX_TABLES);

    as->vspace_ut = ut_alloc(seL4_VSpaceBits, cspace);
    if (as->vspace_ut == NULL) {
        return -1;
    }
    as->vspace = cspace_alloc_slot(cspace);
    if (as->vspace == seL4_CapNull) {
        goto fail;
    }
    if (cspace_untyped_retype(cspace, as->vspace_ut->cap, as->vspace, seL4_ARM_VSpaceObject,
                              seL4_VSpaceBits) != seL4_NoError ||
        seL4_ARM_ASIDPool_Assign(asid_pool, as->vspace) != seL4_NoError) {
        goto fail;
    }
    return 0;

fail:
    ut_free(as->vspace_ut);
    cspace_free_slot(cspace, as->vspace);
    memset(as, 0, sizeof(*as));
    return -1;
}

void as_destroy(addrspace_t *as)
{
    if (as->vspace_ut == NULL) {
        return;
    }
    frame_ref_t rec = as->records;
    while (rec != NULL_FRAME) {
        as_record_page_t *r = frame_data(rec);
        for (uint32_t i = 0; i < r->count; i++) {
            cspace_delete(as->cspace, r->pages[i].cap);     /* unmaps it */
            cspace_free_slot(as->cspace, r->pages[i].cap);
            free_frame(r->pages[i].frame);
        }
        frame_ref_t next = r->next;
        free_frame(rec);
        rec = next;
    }
    vmap_tables_free(as->cspace, &as->tables);
    cspace_delete(as->cspace, as->vspace);
    cspace_free_slot(as->cspace, as->vspace);
    ut_free(as->vspace_ut);
    memset(as, 0, sizeof(*as));
}

int as_define_region(addrspace_t *as, seL4_Word start, seL4_Word size, seL4_CapRights_t rights,
                     seL4_ARM_VMAttributes attrs)
{
    seL4_Word s = start & ~PAGE_MASK;
    seL4_Word e = (start + size + PAGE_MASK) & ~PAGE_MASK;
    if (as->num_regions == AS_MAX_REGIONS || size == 0 || e <= s || e > seL4_UserTop) {
        return -1;
    }
    for (unsigned i = 0; i < as->num_regions; i++) {
        if (s < as->regions[i].end && as->regions[i].start < e) {
            return -1;
        }
    }
    as->regions[as->num_regions++] = (as_region_t){ .start = s, .end = e, .rights = rights,
                                                    .attrs = attrs };
    return 0;
}

const as_region_t *as_find_region(const addrspace_t *as, seL4_Word vaddr)
{
    for (unsigned i = 0; i < as->num_regions; i++) {
        if (vaddr >= as->regions[i].start && vaddr < as->regions[i].end) {
            return &as->regions[i];
        }
    }
    return NULL;
}

/* Room for one more record: the newest record page, or a new one. NULL if out of memory. */
static as_record_page_t *record_page(addrspace_t *as)
{
    as_record_page_t *r = as->records != NULL_FRAME ? frame_data(as->records) : NULL;
    if (r != NULL && r->count < RECORDS_PER_PAGE) {
        return r;
    }
    frame_ref_t frame = alloc_frame();
    if (frame == NULL_FRAME) {
        return NULL;
    }
    r = frame_data(frame);
    r->next = as->records;
    r->count = 0;
    as->records = frame;
    return r;
}

int as_map_frame(addrspace_t *as, frame_ref_t frame, seL4_Word vaddr, seL4_CapRights_t rights,
                 seL4_ARM_VMAttributes attrs)
{
    vaddr &= ~PAGE_MASK;
    as_record_page_t *r = record_page(as);
    if (r == NULL) {
        return -1;
    }
    seL4_CPtr cap = cspace_alloc_slot(as->cspace);
    if (cap == seL4_CapNull) {
        return -1;
    }
    seL4_Error err = cspace_copy(as->cspace, cap, as->cspace, frame_page(frame), seL4_AllRights);
    if (err == seL4_NoError) {
        err = vmap_frame(as->cspace, cap, as->vspace, vaddr, rights, attrs, &as->tables);
    }
    if (err == seL4_NoError && !(attrs & seL4_ARM_ExecuteNever)) {
        /* Code was written through the data cache: make it visible to fetches. */
        err = seL4_ARM_Page_Unify_Instruction(cap, 0, PAGE_SIZE);
    }
    if (err != seL4_NoError) {
        cspace_delete(as->cspace, cap);
        cspace_free_slot(as->cspace, cap);
        return -1;
    }
    r->pages[r->count++] = (as_page_t){ .vaddr = vaddr, .frame = frame, .cap = (uint32_t)cap };
    as->num_pages++;
    return 0;
}

int as_map_new_page(addrspace_t *as, seL4_Word vaddr, seL4_CapRights_t rights,
                    seL4_ARM_VMAttributes attrs, void **data)
{
    frame_ref_t frame = alloc_frame();
    if (frame == NULL_FRAME) {
        return -1;
    }
    if (as_map_frame(as, frame, vaddr, rights, attrs) != 0) {
        free_frame(frame);
        return -1;
    }
    if (data != NULL) {
        *data = frame_data(frame);
    }
    return 0;
}

as_fault_result_t as_handle_fault(addrspace_t *as, seL4_Word vaddr, bool instruction,
                                  seL4_Word fsr)
{
    const as_region_t *region = as_find_region(as, vaddr);
    if (region == NULL || !FSC_IS_TRANSLATION(ESR_FSC(fsr))) {
        return AS_FAULT_INVALID;
    }
    if (instruction && (region->attrs & seL4_ARM_ExecuteNever)) {
        return AS_FAULT_INVALID;
    }
    if (!instruction && (fsr & ESR_WNR) && !seL4_CapRights_get_capAllowWrite(region->rights)) {
        return AS_FAULT_INVALID;
    }
    if (as_map_new_page(as, vaddr, region->rights, region->attrs, NULL) != 0) {
        return AS_FAULT_NO_MEMORY;
    }
    return AS_FAULT_MAPPED;
}
