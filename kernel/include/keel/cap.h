/*
 * Capabilities and the slots that hold them.
 *
 * A cap is two words. Word 0 holds the type tag in bits [63:59] (the tag values are the
 * ABI's cap-type tags, so DebugCapIdentify returns the tag as it is), up to 15 bits of
 * type-specific fields in [58:44], and the object's physical address divided by 16 in
 * [43:0]. Word 1 holds one more type-specific word (a badge, a guard, a watermark, the
 * mapping of a frame...). Objects are at least 16-byte aligned, so nothing is lost.
 *
 * A slot (cte_t, "capability table entry") is 32 bytes: the cap and its node in the
 * derivation tree. The tree is kept, as in seL4, as one doubly-linked list in depth-first
 * order; whether a slot is the parent of the next one follows from the two caps (see
 * cnode.c). 'revocable' marks a cap that may have children (original caps, and badged
 * endpoint caps minted from an unbadged one); 'first_badged' marks the first cap of a
 * badge.
 */
#pragma once

#include <keel/types.h>
#include <keel/abi_gen.h>
#include <arch/memory.h>

typedef struct cap {
    word_t w0, w1;
} cap_t;

typedef struct cte {
    cap_t cap;
    struct cte *mdb_prev;
    word_t mdb_next_flags;   /* next slot pointer | MDB_REVOCABLE | MDB_FIRST_BADGED */
} cte_t;

STATIC_ASSERT(sizeof(cte_t) == BIT(seL4_SlotBits), "a slot is the ABI's 32 bytes");

#define MDB_REVOCABLE    1ull
#define MDB_FIRST_BADGED 2ull
#define MDB_FLAGS        3ull

static inline cte_t *mdb_next(const cte_t *s) { return (cte_t *)(uintptr_t)(s->mdb_next_flags & ~MDB_FLAGS); }
static inline cte_t *mdb_prev(const cte_t *s) { return s->mdb_prev; }
static inline bool mdb_revocable(const cte_t *s) { return s->mdb_next_flags & MDB_REVOCABLE; }
static inline bool mdb_first_badged(const cte_t *s) { return s->mdb_next_flags & MDB_FIRST_BADGED; }
static inline void mdb_set_next(cte_t *s, cte_t *n)
{
    s->mdb_next_flags = (word_t)(uintptr_t)n | (s->mdb_next_flags & MDB_FLAGS);
}
static inline void mdb_set_prev(cte_t *s, cte_t *p) { s->mdb_prev = p; }
static inline void mdb_set_flags(cte_t *s, bool revocable, bool first_badged)
{
    s->mdb_next_flags = (s->mdb_next_flags & ~MDB_FLAGS) |
                        (revocable ? MDB_REVOCABLE : 0) | (first_badged ? MDB_FIRST_BADGED : 0);
}

/* ---- generic fields ---------------------------------------------------------- */

static inline word_t cap_bits(word_t w, unsigned lo, unsigned width) { return (w >> lo) & MASK(width); }
static inline word_t cap_set_bits(word_t w, unsigned lo, unsigned width, word_t v)
{
    return (w & ~(MASK(width) << lo)) | ((v & MASK(width)) << lo);
}

static inline word_t cap_type(cap_t c) { return c.w0 >> 59; }
static inline paddr_t cap_paddr(cap_t c) { return (c.w0 & MASK(44)) << 4; }
static inline void *cap_ptr(cap_t c) { return pptr_of(cap_paddr(c)); }
static inline bool cap_is_null(cap_t c) { return cap_type(c) == cap_null_cap; }

static inline cap_t cap_make(word_t tag, paddr_t paddr, word_t small, word_t w1)
{
    cap_t c = { ((word_t)tag << 59) | ((small & MASK(15)) << 44) | ((paddr >> 4) & MASK(44)), w1 };
    return c;
}
static inline cap_t cap_null(void) { return (cap_t){ 0, 0 }; }
/* Type-specific small field: bits [lo+44 .. lo+44+width) of word 0. */
static inline word_t cap_small(cap_t c, unsigned lo, unsigned width) { return cap_bits(c.w0, 44 + lo, width); }
static inline cap_t cap_with_small(cap_t c, unsigned lo, unsigned width, word_t v)
{
    c.w0 = cap_set_bits(c.w0, 44 + lo, width, v);
    return c;
}

/* ---- rights (seL4_CapRights word layout, ABI (c)) --------------------------- */
#define RIGHT_WRITE       BIT(0)
#define RIGHT_READ        BIT(1)
#define RIGHT_GRANT       BIT(2)
#define RIGHT_GRANT_REPLY BIT(3)
#define RIGHTS_ALL        0xfull

/* ---- untyped: small [0] device, [6:1] size bits; w1 = watermark (bytes used) -- */
static inline cap_t untyped_cap_new(paddr_t p, word_t size_bits, bool device, word_t free_index)
{
    return cap_make(cap_untyped_cap, p, (size_bits << 1) | device, free_index);
}
static inline bool   untyped_is_device(cap_t c)  { return cap_small(c, 0, 1); }
static inline word_t untyped_size_bits(cap_t c)  { return cap_small(c, 1, 6); }
static inline word_t untyped_free_index(cap_t c) { return c.w1; }

/* ---- endpoint / notification: small [3:0] rights; w1 = badge ----------------- */
static inline cap_t endpoint_cap_new(paddr_t p, word_t badge, word_t rights)
{
    return cap_make(cap_endpoint_cap, p, rights, badge);
}
static inline cap_t notification_cap_new(paddr_t p, word_t badge, word_t rights)
{
    return cap_make(cap_notification_cap, p, rights, badge);
}
static inline word_t cap_rights(cap_t c) { return cap_small(c, 0, 4); }      /* ep/ntfn */
static inline word_t cap_badge(cap_t c)  { return c.w1; }                    /* ep/ntfn */

/* ---- reply: small [0] can grant ---------------------------------------------- */
static inline cap_t reply_cap_new(paddr_t p, bool can_grant) { return cap_make(cap_reply_cap, p, can_grant, 0); }
static inline bool reply_cap_can_grant(cap_t c) { return cap_small(c, 0, 1); }

/* ---- cnode: small [5:0] radix, [11:6] guard size; w1 = guard ------------------ */
static inline cap_t cnode_cap_new(paddr_t p, word_t radix, word_t guard_size, word_t guard)
{
    return cap_make(cap_cnode_cap, p, radix | (guard_size << 6), guard);
}
static inline word_t cnode_radix(cap_t c)      { return cap_small(c, 0, 6); }
static inline word_t cnode_guard_size(cap_t c) { return cap_small(c, 6, 6); }
static inline word_t cnode_guard(cap_t c)      { return c.w1; }

/* ---- thread ------------------------------------------------------------------- */
static inline cap_t thread_cap_new(paddr_t p) { return cap_make(cap_thread_cap, p, 0, 0); }

/* ---- scheduling context: small [5:0] size bits; sched control: w1 = core ------ */
static inline cap_t sched_context_cap_new(paddr_t p, word_t size_bits)
{
    return cap_make(cap_sched_context_cap, p, size_bits, 0);
}
static inline word_t sched_context_size_bits(cap_t c) { return cap_small(c, 0, 6); }
static inline cap_t sched_control_cap_new(word_t core) { return cap_make(cap_sched_control_cap, 0, 0, core); }

/* ---- capabilities without an object -------------------------------------------- */
static inline cap_t irq_control_cap_new(void)  { return cap_make(cap_irq_control_cap, 0, 0, 0); }
static inline cap_t irq_handler_cap_new(word_t irq) { return cap_make(cap_irq_handler_cap, 0, 0, irq); }
static inline word_t irq_handler_irq(cap_t c) { return c.w1; }
static inline cap_t domain_cap_new(void)       { return cap_make(cap_domain_cap, 0, 0, 0); }
static inline cap_t asid_control_cap_new(void) { return cap_make(cap_asid_control_cap, 0, 0, 0); }

/* ---- zombie: an object being destroyed; small [6:0] kind (ZOMBIE_TCB or CNode
 * radix), w1 = number of slots still to clear. Used to make deletion restartable. */
#define ZOMBIE_TCB 64
static inline cap_t zombie_cap_new(paddr_t p, word_t kind, word_t remaining)
{
    return cap_make(cap_zombie_cap, p, kind, remaining);
}
static inline word_t zombie_kind(cap_t c)      { return cap_small(c, 0, 7); }
static inline word_t zombie_remaining(cap_t c) { return c.w1; }

/* ---- AArch64 paging objects (fields used by kernel/arch/aarch64/object/) ------
 * frame:      small [1:0] size (FRAME_4K/2M/1G), [3:2] vm rights, [4] device, [5] mapped;
 *             w1 = asid << 48 | mapped vaddr
 * page table: small [5] mapped; w1 = asid << 48 | vaddr the table covers
 * vspace:     small [5] has an ASID; w1 = asid << 48 (set with cap_set_mapping(c, asid, 0))
 * asid pool:  w1 = first ASID of the pool                                           */
enum frame_size { FRAME_4K = 0, FRAME_2M = 1, FRAME_1G = 2 };
enum vm_rights { VM_KERNEL_ONLY = 0, VM_READ_ONLY = 1, VM_READ_WRITE = 3 };

static inline word_t frame_size_bits(word_t size)
{
    return size == FRAME_4K ? seL4_PageBits : size == FRAME_2M ? seL4_LargePageBits : seL4_HugePageBits;
}
static inline cap_t frame_cap_new(paddr_t p, word_t size, word_t vm_rights, bool device)
{
    return cap_make(cap_frame_cap, p, size | (vm_rights << 2) | ((word_t)device << 4), 0);
}
static inline word_t frame_size(cap_t c)      { return cap_small(c, 0, 2); }
static inline word_t frame_vm_rights(cap_t c) { return cap_small(c, 2, 2); }
static inline bool   frame_is_device(cap_t c) { return cap_small(c, 4, 1); }
static inline bool   cap_is_mapped(cap_t c)   { return cap_small(c, 5, 1); }   /* frame/pt/vspace */
static inline word_t cap_mapped_asid(cap_t c) { return c.w1 >> 48; }
static inline vaddr_t cap_mapped_vaddr(cap_t c) { return c.w1 & MASK(48); }
static inline cap_t cap_set_mapping(cap_t c, word_t asid, vaddr_t vaddr)
{
    c = cap_with_small(c, 5, 1, 1);
    c.w1 = (asid << 48) | (vaddr & MASK(48));
    return c;
}
static inline cap_t cap_clear_mapping(cap_t c)
{
    c = cap_with_small(c, 5, 1, 0);
    c.w1 = 0;
    return c;
}
static inline cap_t page_table_cap_new(paddr_t p) { return cap_make(cap_page_table_cap, p, 0, 0); }
static inline cap_t vspace_cap_new(paddr_t p)     { return cap_make(cap_vspace_cap, p, 0, 0); }
static inline cap_t asid_pool_cap_new(paddr_t p, word_t base) { return cap_make(cap_asid_pool_cap, p, 0, base); }
static inline word_t asid_pool_base(cap_t c) { return c.w1; }
