/* Untyped memory: retype arithmetic shared by Retype, boot and the invariant checker. */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

/* Offset (bytes from the untyped's start) where the next object of 2^obj_bits goes. */
static inline word_t untyped_next_offset(word_t free_index, word_t obj_bits)
{
    return ROUND_UP(free_index, obj_bits);
}
