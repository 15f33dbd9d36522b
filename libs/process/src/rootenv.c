/*
 * The root task's memory environment. See <process/rootenv.h>.
 */
#include <stdio.h>
#include <process/rootenv.h>

static void *alloc_untyped(void *cookie, size_t size_bits, seL4_CPtr *cap)
{
    ut_t *ut = ut_alloc(size_bits, cookie);
    if (ut == NULL) {
        return NULL;
    }
    *cap = ut->cap;
    return ut;
}

static void free_untyped(void *cookie, void *untyped)
{
    (void)cookie;
    ut_free(untyped);
}

cspace_alloc_t root_env_cspace_alloc(root_env_t *env)
{
    return (cspace_alloc_t){
        .alloc_untyped = alloc_untyped,
        .free_untyped = free_untyped,
        .alloc_page = frame_alloc_page_handle,
        .free_page = frame_free_page_handle,
        .cookie = &env->cspace,
    };
}

static int fail(const char *step)
{
    printf("root_env_init: %s failed\n", step);
    return -1;
}

int root_env_init(root_env_t *env, const seL4_BootInfo *bi)
{
    env->bi = bi;
    env->next_device_vaddr = ROOT_DEVICE_REGION;
    vmap_tables_init(&env->tables, env->table_store, ROOT_MAX_TABLES);

    if (cspace_root_task_bootstrap(&env->cspace) != 0) {
        return fail("cspace_root_task_bootstrap");
    }
    ut_init(bi, &env->cspace);
    if (frame_table_init(&env->cspace, seL4_CapInitThreadVSpace, &env->tables) != 0) {
        return fail("frame_table_init");
    }
    ut_set_page_allocator(frame_alloc_page, NULL);
    if (cspace_root_task_two_level(&env->cspace, root_env_cspace_alloc(env)) != 0) {
        return fail("cspace_root_task_two_level");
    }
    return 0;
}

void *root_env_map_device(root_env_t *env, seL4_Word paddr)
{
    ut_t *ut = ut_alloc_4k_device(paddr);
    if (ut == NULL) {
        return NULL;
    }
    seL4_CPtr frame = cspace_alloc_slot(&env->cspace);
    seL4_Word vaddr = env->next_device_vaddr;
    if (frame == seL4_CapNull ||
        cspace_untyped_retype(&env->cspace, ut->cap, frame, seL4_ARM_SmallPageObject,
                              seL4_PageBits) != seL4_NoError ||
        vmap_frame(&env->cspace, frame, seL4_CapInitThreadVSpace, vaddr, seL4_ReadWrite,
                   seL4_ARM_ExecuteNever, &env->tables) != seL4_NoError) {
        ut_free(ut);
        cspace_free_slot(&env->cspace, frame);
        return NULL;
    }
    env->next_device_vaddr += 1ul << seL4_PageBits;
    return (void *)vaddr;
}

seL4_CPtr root_env_new_object(root_env_t *env, seL4_Word type, size_t size_bits, size_t mem_bits,
                              ut_t **ut)
{
    *ut = ut_alloc(mem_bits, &env->cspace);
    if (*ut == NULL) {
        return seL4_CapNull;
    }
    seL4_CPtr slot = cspace_alloc_slot(&env->cspace);
    if (slot != seL4_CapNull &&
        cspace_untyped_retype(&env->cspace, (*ut)->cap, slot, type, size_bits) == seL4_NoError) {
        return slot;
    }
    cspace_free_slot(&env->cspace, slot);
    ut_free(*ut);
    *ut = NULL;
    return seL4_CapNull;
}
