/*
 * The invariant checker (model/invariants.c): a debug aid for tests and for Keel's
 * check-invariants debug syscall.
 *
 * The kernel keeps no list of all objects, so the checker starts from a few slot arrays
 * (the roots registered here, plus the current and the idle thread's TCB slots) and
 * follows everything reachable: every derivation list a reached slot is in (whole, from
 * its head), and the slots of every CNode, TCB and zombie a reached cap refers to.
 * Cyclic zombies are found too, because they stay in their untyped's derivation list.
 */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>
#include <keel/status.h>

/* Boot registers the root CNode; host tests register theirs. At most 8 roots. */
void invariants_add_root(cte_t *slots, word_t count);
void invariants_clear_roots(void);

/*
 * Check, for everything reachable:
 *  - every list is consistently doubly linked, holds no empty slot, and every empty
 *    slot is unlinked;
 *  - caps are well formed (known type, aligned object, sane CNode guard/radix, untyped
 *    watermark within its size, zombie counts, empty slots past a zombie's count);
 *  - untyped and badged-original flags are consistent (untyped caps are revocable,
 *    revocable caps are first of their badge);
 *  - the descendants of each revocable cap form one run right after it (none stray
 *    further down the list), and every descendant of an untyped lies below its
 *    watermark;
 *  - no two objects overlap unless one is an untyped containing the other or they are
 *    the same object.
 * Returns OK, or prints the first violation and returns ERR_SYSCALL (IllegalOperation
 * recorded with the reason).
 */
status_t check_invariants(void);
