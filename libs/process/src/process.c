/*
 * Threads and processes. See <process/process.h>.
 */
#include <string.h>
#include <keel/runtime.h>
#include <elf/elf.h>
#include <process/process.h>

#define PAGE_SIZE           (1ul << seL4_PageBits)
#define IPC_BUFFER_BYTES    (1ul << seL4_IPCBufferSizeBits)
#define NUM_REGS            (sizeof(seL4_UserContext) / sizeof(seL4_Word))

/* ---- objects every thread has ------------------------------------------------------------- */

static seL4_CPtr retype_new(cspace_t *cs, ut_t **ut, size_t ut_bits, seL4_Word type,
                            size_t obj_bits)
{
    *ut = ut_alloc(ut_bits, cs);
    if (*ut == NULL) {
        return seL4_CapNull;
    }
    seL4_CPtr slot = cspace_alloc_slot(cs);
    if (slot != seL4_CapNull &&
        cspace_untyped_retype(cs, (*ut)->cap, slot, type, obj_bits) == seL4_NoError) {
        return slot;
    }
    cspace_free_slot(cs, slot);
    ut_free(*ut);
    *ut = NULL;
    return seL4_CapNull;
}

static void objects_destroy(thread_objects_t *o, cspace_t *cs)
{
    /* The TCB goes first, so the thread is stopped before anything it uses goes. */
    seL4_CPtr caps[] = { o->tcb, o->sc, o->fault_ep };
    for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
        if (caps[i] != seL4_CapNull) {
            cspace_delete(cs, caps[i]);
            cspace_free_slot(cs, caps[i]);
        }
    }
    ut_free(o->tcb_ut);
    ut_free(o->sc_ut);
    memset(o, 0, sizeof(*o));
}

/* TCB, configured scheduling context and badged fault endpoint. */
static int objects_create(thread_objects_t *o, const sched_attr_t *a)
{
    cspace_t *cs = a->cspace;
    memset(o, 0, sizeof(*o));
    o->tcb = retype_new(cs, &o->tcb_ut, seL4_TCBBits, seL4_TCBObject, seL4_TCBBits);
    o->sc = retype_new(cs, &o->sc_ut, seL4_MinSchedContextBits, seL4_SchedContextObject,
                       seL4_MinSchedContextBits);
    o->fault_ep = cspace_alloc_slot(cs);
    if (o->tcb == seL4_CapNull || o->sc == seL4_CapNull || o->fault_ep == seL4_CapNull ||
        cspace_mint(cs, o->fault_ep, cs, a->endpoint, seL4_AllRights, a->fault_badge) !=
            seL4_NoError ||
        seL4_SchedControl_Configure(a->sched_control, o->sc, a->budget_us, a->period_us, 0, 0) !=
            seL4_NoError) {
        objects_destroy(o, cs);
        return -1;
    }
    return 0;
}

static int objects_schedule(thread_objects_t *o, const sched_attr_t *a)
{
    return seL4_TCB_SetSchedParams(o->tcb, a->authority, a->priority, a->priority, o->sc,
                                   o->fault_ep) == seL4_NoError ? 0 : -1;
}

/* ---- threads in the root task ---------------------------------------------------------------- */

static seL4_Word next_stack;    /* stack slots in THREAD_STACK_REGION are never reused */

/* Where a new thread starts: x0 = fn, x1 = arg, x2 = its TCB. */
static void thread_entry(void (*fn)(void *), void *arg, seL4_CPtr tcb)
{
    fn(arg);
    for (;;) {
        seL4_TCB_Suspend(tcb);
    }
}

static void thread_free_memory(thread_t *t)
{
    for (unsigned i = 0; i < THREAD_STACK_PAGES; i++) {
        if (t->stack_caps[i] != seL4_CapNull) {
            cspace_delete(t->cspace, t->stack_caps[i]);
            cspace_free_slot(t->cspace, t->stack_caps[i]);
        }
        free_frame(t->stack_frames[i]);
    }
    free_frame(t->ipc_frame);
}

/* Stack pages above an unmapped guard page. */
static int thread_map_stack(thread_t *t, vmap_tables_t *root_tables)
{
    seL4_Word base = THREAD_STACK_REGION + next_stack++ * (THREAD_STACK_PAGES + 1) * PAGE_SIZE +
                     PAGE_SIZE;
    for (unsigned i = 0; i < THREAD_STACK_PAGES; i++) {
        t->stack_frames[i] = alloc_frame();
        t->stack_caps[i] = cspace_alloc_slot(t->cspace);
        if (t->stack_frames[i] == NULL_FRAME || t->stack_caps[i] == seL4_CapNull ||
            cspace_copy(t->cspace, t->stack_caps[i], t->cspace, frame_page(t->stack_frames[i]),
                        seL4_AllRights) != seL4_NoError ||
            vmap_frame(t->cspace, t->stack_caps[i], seL4_CapInitThreadVSpace,
                       base + i * PAGE_SIZE, seL4_ReadWrite,
                       seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
                       root_tables) != seL4_NoError) {
            return -1;
        }
    }
    t->stack_top = base + THREAD_STACK_PAGES * PAGE_SIZE;
    return 0;
}

int thread_create(thread_t *t, const sched_attr_t *attr, vmap_tables_t *root_tables,
                  void (*fn)(void *), void *arg)
{
    memset(t, 0, sizeof(*t));
    t->cspace = attr->cspace;

    /* The IPC buffer takes the start of a frame, the thread's TLS the rest. */
    t->ipc_frame = alloc_frame();
    char *ipc = frame_data(t->ipc_frame);
    if (ipc == NULL || keel_tls_size() > PAGE_SIZE - IPC_BUFFER_BYTES ||
        thread_map_stack(t, root_tables) != 0) {
        goto fail;
    }
    seL4_Word tp = keel_tls_init(ipc + IPC_BUFFER_BYTES, PAGE_SIZE - IPC_BUFFER_BYTES);
    if (tp == 0) {
        goto fail;
    }
    keel_tls_set_ipc_buffer(tp, (seL4_IPCBuffer *)ipc);

    if (objects_create(&t->obj, attr) != 0) {
        goto fail;
    }
    seL4_UserContext regs = {
        .pc = (seL4_Word)thread_entry,
        .sp = t->stack_top,
        .x0 = (seL4_Word)fn,
        .x1 = (seL4_Word)arg,
        .x2 = t->obj.tcb,
        .tpidr_el0 = tp,
    };
    if (seL4_TCB_Configure(t->obj.tcb, attr->cspace->root_cnode, 0, seL4_CapInitThreadVSpace, 0,
                           (seL4_Word)ipc, frame_page(t->ipc_frame)) != seL4_NoError ||
        objects_schedule(&t->obj, attr) != 0 ||
        seL4_TCB_WriteRegisters(t->obj.tcb, 1, 0, NUM_REGS, &regs) != seL4_NoError) {
        objects_destroy(&t->obj, t->cspace);
        goto fail;
    }
    return 0;

fail:
    thread_free_memory(t);
    memset(t, 0, sizeof(*t));
    return -1;
}

void thread_destroy(thread_t *t)
{
    if (t->cspace == NULL) {
        return;
    }
    objects_destroy(&t->obj, t->cspace);
    thread_free_memory(t);
    memset(t, 0, sizeof(*t));
}

/* ---- processes ------------------------------------------------------------------------------ */

/* elf_load callbacks: frames come from the frame table, mappings go into the process. */
typedef struct load_state {
    addrspace_t *as;
    frame_ref_t frame;          /* the page being loaded */
} load_state_t;

static int load_segment(void *cookie, seL4_Word vaddr, seL4_Word memsz, seL4_CapRights_t rights,
                        seL4_ARM_VMAttributes attrs)
{
    load_state_t *s = cookie;
    return as_define_region(s->as, vaddr, memsz, rights, attrs);
}

static void *load_alloc_page(void *cookie, seL4_Word vaddr)
{
    (void)vaddr;
    load_state_t *s = cookie;
    s->frame = alloc_frame();
    return frame_data(s->frame);
}

static int load_map_page(void *cookie, seL4_Word vaddr, seL4_CapRights_t rights,
                         seL4_ARM_VMAttributes attrs)
{
    load_state_t *s = cookie;
    if (as_map_frame(s->as, s->frame, vaddr, rights, attrs) != 0) {
        free_frame(s->frame);
        return -1;
    }
    return 0;
}

int process_create(process_t *p, const process_attr_t *attr, const void *elf, size_t size)
{
    cspace_t *cs = attr->sched.cspace;
    memset(p, 0, sizeof(*p));

    if (elf_check(elf, size) != ELF_OK || as_create(&p->as, cs, attr->asid_pool) != 0) {
        return -1;
    }
    load_state_t state = { .as = &p->as };
    elf_loader_t loader = {
        .segment = load_segment,
        .alloc_page = load_alloc_page,
        .map_page = load_map_page,
        .map_bss = attr->map_bss,
        .cookie = &state,
    };
    p->entry = elf_entry(elf);

    /* The endpoint copy may send (Call needs GrantReply), nothing more. */
    seL4_CapRights_t ep_rights = seL4_CapRights_new(1, 0, 0, 1);
    frame_ref_t ipc = alloc_frame();
    if (elf_load(elf, size, &loader) != ELF_OK || ipc == NULL_FRAME ||
        as_define_region(&p->as, PROCESS_IPC_BUFFER, PAGE_SIZE, seL4_ReadWrite,
                         seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever) != 0 ||
        as_map_frame(&p->as, ipc, PROCESS_IPC_BUFFER, seL4_ReadWrite,
                     seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever) != 0) {
        free_frame(ipc);
        goto fail_as;
    }
    if (cspace_create_one_level(cs, &p->cspace) != 0) {
        goto fail_as;
    }
    if (cspace_mint(&p->cspace, PROCESS_EP_SLOT, cs, attr->sched.endpoint, ep_rights,
                    attr->ep_badge) != seL4_NoError ||
        objects_create(&p->obj, &attr->sched) != 0) {
        goto fail_cspace;
    }
    seL4_UserContext regs = {
        .pc = p->entry,
        .x0 = 0,
        .x1 = PROCESS_IPC_BUFFER,
        .x2 = attr->arg,
    };
    if (seL4_TCB_Configure(p->obj.tcb, p->cspace.root_cnode, 0, p->as.vspace, 0,
                           PROCESS_IPC_BUFFER, frame_page(ipc)) != seL4_NoError ||
        objects_schedule(&p->obj, &attr->sched) != 0 ||
        seL4_TCB_WriteRegisters(p->obj.tcb, 0, 0, NUM_REGS, &regs) != seL4_NoError) {
        objects_destroy(&p->obj, cs);
        goto fail_cspace;
    }
    if (attr->name != NULL) {
        seL4_DebugNameThread(p->obj.tcb, attr->name);
    }
    return 0;

fail_cspace:
    cspace_destroy(&p->cspace);
fail_as:
    as_destroy(&p->as);
    memset(p, 0, sizeof(*p));
    return -1;
}

int process_start(process_t *p)
{
    return seL4_TCB_Resume(p->obj.tcb) == seL4_NoError ? 0 : -1;
}

void process_destroy(process_t *p)
{
    cspace_t *cs = p->as.cspace;
    if (cs == NULL) {
        return;
    }
    objects_destroy(&p->obj, cs);
    cspace_destroy(&p->cspace);
    as_destroy(&p->as);
    memset(p, 0, sizeof(*p));
}
