/* Untyped memory: retype arithmetic shared by Retype, boot and the invariant checker. */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

/*
 * The watermark ("free index", cap word 1) is the number of bytes from the untyped's
 * base handed out so far. Invariant (as in seL4): the memory of a non-device untyped
 * above its watermark is zero, so retyped objects need no clearing. When an untyped
 * without children is retyped, its used part is cleared first, UNTYPED_RESET_CHUNK_BITS
 * at a time between preemption points.
 *
 * Boot: an untyped whose memory is not known to be zero must be made with the watermark
 * at its full size (untyped_cap_new(p, bits, device, BIT(bits))); the first Retype then
 * clears it preemptibly. Only already-zeroed memory may start at watermark 0.
 */
#define UNTYPED_RESET_CHUNK_BITS 12

/* Offset (bytes from the untyped's start) where the next object of 2^obj_bits goes. */
static inline word_t untyped_next_offset(word_t free_index, word_t obj_bits)
{
    return ROUND_UP(free_index, obj_bits);
}
