/*
 * Frame mapping with recorded page tables. See <vmap/vmap.h>.
 */
#include <vmap/vmap.h>

/* Address bits above the part translated below a table of each level: a level-1 table
 * covers 512 GiB, level 2 1 GiB, level 3 2 MiB. */
static const unsigned level_shift[4] = { 0, 39, 30, 21 };

static seL4_Word table_key(unsigned level, seL4_Word vaddr)
{
    return ((seL4_Word)level << 60) | (vaddr >> level_shift[level]);
}

static bool have_table(const vmap_tables_t *t, seL4_Word key)
{
    for (unsigned i = t->count; i > 0; i--) {       /* recent tables first */
        if (t->entries[i - 1].key == key) {
            return true;
        }
    }
    return false;
}

/* Create the table of the given level for vaddr; all levels above it exist. */
static seL4_Error add_table(cspace_t *cspace, seL4_CPtr vspace, seL4_Word vaddr, seL4_Word key,
                            vmap_tables_t *t)
{
    if (t->count == t->capacity) {
        return seL4_NotEnoughMemory;
    }
    ut_t *ut = ut_alloc(seL4_PageTableBits, cspace);
    if (ut == NULL) {
        return seL4_NotEnoughMemory;
    }
    seL4_CPtr slot = cspace_alloc_slot(cspace);
    if (slot == seL4_CapNull) {
        ut_free(ut);
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = cspace_untyped_retype(cspace, ut->cap, slot, seL4_ARM_PageTableObject,
                                           seL4_PageTableBits);
    if (err == seL4_NoError) {
        err = seL4_ARM_PageTable_Map(slot, vspace, vaddr, seL4_ARM_Default_VMAttributes);
    }
    if (err != seL4_NoError) {
        ut_free(ut);
        cspace_free_slot(cspace, slot);
        return err;
    }
    t->entries[t->count++] = (vmap_table_t){ .key = key, .cap = slot, .ut = ut };
    return seL4_NoError;
}

seL4_Error vmap_frame(cspace_t *cspace, seL4_CPtr frame_cap, seL4_CPtr vspace, seL4_Word vaddr,
                      seL4_CapRights_t rights, seL4_ARM_VMAttributes attrs, vmap_tables_t *tables)
{
    /* PageTable_Map installs a table at the first missing level of the walk, so
     * creating them from the top down puts each where we mean it. */
    for (unsigned level = 1; level <= 3; level++) {
        seL4_Word key = table_key(level, vaddr);
        if (!have_table(tables, key)) {
            seL4_Error err = add_table(cspace, vspace, vaddr, key, tables);
            if (err != seL4_NoError) {
                return err;
            }
        }
    }
    return seL4_ARM_Page_Map(frame_cap, vspace, vaddr, rights, attrs);
}

void vmap_tables_free(cspace_t *cspace, vmap_tables_t *tables)
{
    for (unsigned i = 0; i < tables->count; i++) {
        vmap_table_t *e = &tables->entries[i];
        cspace_delete(cspace, e->cap);
        cspace_free_slot(cspace, e->cap);
        ut_free(e->ut);
    }
    tables->count = 0;
}
