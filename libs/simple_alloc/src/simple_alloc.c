/*
 * Bump allocation of slots and kernel objects for a root task. See <simple_alloc/simple_alloc.h>.
 */
#include <stddef.h>
#include <simple_alloc/simple_alloc.h>

void simple_alloc_init(simple_alloc_t *a, const seL4_BootInfo *bi)
{
    a->cspace_root = seL4_CapInitThreadCNode;
    a->next_slot = bi->empty.start;
    a->end_slot = bi->empty.end;
    a->num_untypeds = 0;

    seL4_Word count = bi->untyped.end - bi->untyped.start;
    for (seL4_Word i = 0; i < count && a->num_untypeds < SIMPLE_ALLOC_MAX_UNTYPEDS; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice) {
            continue;
        }
        simple_untyped_t *u = &a->untypeds[a->num_untypeds++];
        u->cap = bi->untyped.start + i;
        u->size_bits = d->sizeBits;
        u->used = 0;
    }
}

seL4_CPtr simple_alloc_slot(simple_alloc_t *a)
{
    if (a->next_slot >= a->end_slot) {
        return seL4_CapNull;
    }
    return a->next_slot++;
}

/* Bytes an object of this type and size_bits occupies (log2), 0 if unknown. */
static seL4_Word object_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
    case seL4_SchedContextObject:
        return size_bits;
    case seL4_CapTableObject:
        return size_bits + seL4_SlotBits;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_ReplyObject:
        return seL4_ReplyBits;
    case seL4_ARM_SmallPageObject:
        return seL4_PageBits;
    case seL4_ARM_LargePageObject:
        return seL4_LargePageBits;
    case seL4_ARM_HugePageObject:
        return seL4_HugePageBits;
    case seL4_ARM_PageTableObject:
        return seL4_PageTableBits;
    case seL4_ARM_VSpaceObject:
        return seL4_VSpaceBits;
    default:
        return 0;
    }
}

static seL4_Word align_up(seL4_Word x, seL4_Word bits)
{
    seL4_Word mask = ((seL4_Word)1 << bits) - 1;
    return (x + mask) & ~mask;
}

/* The first untyped with room for an object of 2^bits bytes at its next aligned offset. */
static simple_untyped_t *find_room(simple_alloc_t *a, seL4_Word bits)
{
    for (unsigned i = 0; i < a->num_untypeds; i++) {
        simple_untyped_t *u = &a->untypeds[i];
        if (bits > u->size_bits) {
            continue;
        }
        seL4_Word start = align_up(u->used, bits);
        if (start + ((seL4_Word)1 << bits) <= ((seL4_Word)1 << u->size_bits)) {
            return u;
        }
    }
    return NULL;
}

seL4_Error simple_alloc_object(simple_alloc_t *a, seL4_Word type, seL4_Word size_bits,
                               seL4_CPtr *cap)
{
    seL4_Word bits = object_bits(type, size_bits);
    if (bits == 0) {
        return seL4_InvalidArgument;
    }
    seL4_CPtr slot = simple_alloc_slot(a);
    if (slot == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    for (simple_untyped_t *u = find_room(a, bits); u != NULL; u = find_room(a, bits)) {
        seL4_Error err = seL4_Untyped_Retype(u->cap, type, size_bits, a->cspace_root, 0, 0,
                                             slot, 1);
        if (err == seL4_NotEnoughMemory) {
            /* Our record of this untyped is out of date: consider it full. */
            u->used = (seL4_Word)1 << u->size_bits;
            continue;
        }
        if (err != seL4_NoError) {
            return err;
        }
        u->used = align_up(u->used, bits) + ((seL4_Word)1 << bits);
        *cap = slot;
        return seL4_NoError;
    }
    return seL4_NotEnoughMemory;
}

seL4_CPtr simple_alloc_untyped(simple_alloc_t *a, seL4_Word size_bits)
{
    seL4_CPtr cap;
    if (simple_alloc_object(a, seL4_UntypedObject, size_bits, &cap) != seL4_NoError) {
        return seL4_CapNull;
    }
    return cap;
}

seL4_Word simple_alloc_bytes_free(const simple_alloc_t *a)
{
    seL4_Word total = 0;
    for (unsigned i = 0; i < a->num_untypeds; i++) {
        total += ((seL4_Word)1 << a->untypeds[i].size_bits) - a->untypeds[i].used;
    }
    return total;
}

static seL4_CPtr mapping_slot_cb(void *cookie)
{
    return simple_alloc_slot(cookie);
}

static seL4_CPtr mapping_untyped_cb(void *cookie, seL4_Word size_bits)
{
    return simple_alloc_untyped(cookie, size_bits);
}

mapping_alloc_t simple_alloc_mapping(simple_alloc_t *a)
{
    return (mapping_alloc_t){
        .alloc_slot = mapping_slot_cb,
        .alloc_untyped = mapping_untyped_cb,
        .cookie = a,
    };
}
