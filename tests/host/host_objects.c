/* Host test helpers: see host_objects.h. */
#include <stdlib.h>
#include <string.h>
#include <keel/cap.h>
#include <keel/cnode.h>
#include <keel/cspace.h>
#include <keel/state.h>
#include <keel/kernel.h>
#include "host_objects.h"

/* ---- memory ---------------------------------------------------------------------------- */

typedef struct host_block {
    struct host_block *next;
    void *mem;
} host_block_t;

static host_block_t *blocks;

void *host_alloc(word_t size_bits)
{
    size_t size = BIT(size_bits);
    size_t align = size < sizeof(void *) ? sizeof(void *) : size;
    void *mem = aligned_alloc(align, size < align ? align : size);
    host_block_t *b = malloc(sizeof(*b));

    if (!mem || !b) {
        free(mem);
        free(b);
        panic("host_alloc: out of memory for 2^%lu bytes", (unsigned long)size_bits);
    }
    memset(mem, 0, size);
    b->mem = mem;
    b->next = blocks;
    blocks = b;
    return mem;
}

void host_free_all(void)
{
    while (blocks) {
        host_block_t *b = blocks;
        blocks = b->next;
        free(b->mem);
        free(b);
    }
    ks_cur_thread = NULL;
}

/* ---- objects --------------------------------------------------------------------------- */

void host_put_cap(cte_t *slot, cap_t cap)
{
    cte_insert_root(cap, slot);
}

cap_t host_make_cnode(word_t radix, word_t guard_size, word_t guard)
{
    cte_t *slots = host_alloc(radix + seL4_SlotBits);
    return cnode_cap_new(paddr_of(slots), radix, guard_size, guard);
}

tcb_t *host_make_thread(cap_t cspace_root)
{
    tcb_t *t = host_alloc(seL4_TCBBits);

    if (!cap_is_null(cspace_root))
        host_put_cap(tcb_slot(t, TCB_CTABLE), cspace_root);
    return t;
}

cap_t host_make_untyped(cte_t *slot, word_t size_bits, bool device, word_t free_index)
{
    void *mem = host_alloc(size_bits);
    cap_t cap = untyped_cap_new(paddr_of(mem), size_bits, device, free_index);

    host_put_cap(slot, cap);
    return cap;
}

/* ---- a standard CSpace ------------------------------------------------------------------- */

void host_cspace_init(host_cspace_t *cs, word_t radix)
{
    cs->radix = radix;
    cs->root = host_make_cnode(radix, seL4_WordBits - radix, 0);
    cs->slots = cnode_slots(cs->root);
    cs->thread = host_make_thread(cs->root);
    cs->ipc_buffer = host_alloc(seL4_IPCBufferSizeBits);
    ks_cur_thread = cs->thread;
}

void host_cspace_add_root_cap(host_cspace_t *cs, word_t slot)
{
    cte_insert(cs->root, tcb_slot(cs->thread, TCB_CTABLE), &cs->slots[slot]);
}

/* ---- invoking caps ---------------------------------------------------------------------- */

status_t host_build_invocation(invocation_t *inv, tcb_t *thread, word_t *buffer, cptr_t cptr,
                               word_t label, const word_t *mrs, word_t length,
                               const cptr_t *extra, word_t n_extra)
{
    status_t st;

    memset(inv, 0, sizeof(*inv));
    inv->thread = thread;
    inv->label = label;
    inv->length = length;
    inv->cptr = cptr;
    inv->call = true;
    inv->block = true;
    inv->buffer = buffer;

    for (word_t i = 0; i < length; i++) {
        if (i < NUM_MSG_REGISTERS)
            thread->ctx.regs[REG_MR0 + i] = mrs[i];
        else if (buffer)
            buffer[KEEL_IPCBUF_MSG + i] = mrs[i];
    }

    st = lookup_cap(thread, cptr, &inv->cap, &inv->slot);
    if (st != OK)
        return st;
    for (word_t i = 0; i < n_extra && i < seL4_MsgMaxExtraCaps; i++) {
        if (lookup_cap(thread, extra[i], &inv->extra[i].cap, &inv->extra[i].slot) != OK)
            break;
        inv->extra_count++;
    }
    return OK;
}

status_t host_invoke(host_decoder_t decode, tcb_t *thread, word_t *buffer, cptr_t cptr,
                     word_t label, const word_t *mrs, word_t length,
                     const cptr_t *extra, word_t n_extra)
{
    invocation_t inv;
    status_t st = host_build_invocation(&inv, thread, buffer, cptr, label, mrs, length,
                                        extra, n_extra);
    if (st != OK)
        return st;
    return decode(&inv);
}

status_t host_invoke_cs(host_cspace_t *cs, cptr_t cptr, word_t label, const word_t *mrs,
                        word_t length, const cptr_t *extra, word_t n_extra)
{
    cap_t cap;

    if (lookup_cap(cs->thread, cptr, &cap, NULL) != OK)
        return ERR_LOOKUP;
    switch (cap_type(cap)) {
    case cap_cnode_cap:
        return host_invoke(decode_cnode_invocation, cs->thread, cs->ipc_buffer, cptr, label,
                           mrs, length, extra, n_extra);
    case cap_untyped_cap:
        return host_invoke(decode_untyped_invocation, cs->thread, cs->ipc_buffer, cptr, label,
                           mrs, length, extra, n_extra);
    default:
        return fail_invalid_cap(0, "host_invoke_cs: not a CNode or Untyped cap");
    }
}

status_t host_retype(host_cspace_t *cs, cptr_t ut, word_t type, word_t size_bits,
                     cptr_t dest_cnode, word_t offset, word_t count)
{
    word_t mrs[6] = { type, size_bits, 0, 0, offset, count };

    return host_invoke(decode_untyped_invocation, cs->thread, cs->ipc_buffer, ut, UntypedRetype,
                       mrs, 6, &dest_cnode, 1);
}
