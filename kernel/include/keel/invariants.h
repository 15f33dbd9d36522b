/*
 * The invariant checker (model/invariants.c): a debug aid for tests and for Keel's
 * check-invariants debug syscall.
 *
 * The kernel keeps no list of all objects, so the checker starts from a few slot arrays
 * (the roots registered here: the root CNode and the IRQ table's slots; plus the slots of
 * every thread in the kernel's TCB list, including the current and the idle thread) and
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
 * Then, for every object found through those caps (model/invariants.c, second part):
 *  - every object inside an untyped's memory is among that untyped's descendants (so
 *    revoking the untyped reaches it), and device untypeds hold only device frames and
 *    device untypeds;
 *  - the kernel's list of live TCBs holds exactly the TCBs that have caps;
 *  - thread states agree with the ready queues (and the priority bitmap), the release
 *    queue and the endpoint and notification queues: every queue is doubly linked, holds
 *    live threads in the matching state and order, and every blocked or runnable thread
 *    is in exactly the queue its state calls for;
 *  - the links between TCBs, scheduling contexts, notifications and reply objects point
 *    back at each other (SC binding, bound notification, reply caller/receiver, the call
 *    stack of donated SCs, YieldTo), and only at live objects; refill queues are sane;
 *  - (arch_check_invariants) every ASID pool, VSpace, page table and mapped frame that
 *    the MMU can reach through the ASID table has a live cap recording exactly that
 *    place, and user VSpaces map nothing in the kernel's half.
 * Returns OK, or prints the first violation and returns ERR_SYSCALL (IllegalOperation
 * recorded with the reason).
 */
status_t check_invariants(void);

/*
 * By default the state checks assume a kernel entry boundary only outside host tests
 * (the current thread is a live, running TCB charged to its own SC, and no scheduler
 * action is pending). Host drivers that run whole kernel entries turn this on.
 */
void invariants_check_entry_state(bool on);

/* ---- for the architecture's part (arch_check_invariants, called last) ------------------- */
/* Is there a live cap of 'type' to the object at 'base' of 2^size_bits bytes whose word 1
 * is w1 (and which is marked mapped, if 'mapped')? */
bool invariants_cap_exists(word_t type, paddr_t base, word_t size_bits, bool mapped, word_t w1);
/* True the first time an (at least 4-byte aligned) address is passed during one check. */
bool invariants_first_visit(paddr_t addr);
/* Print a violation that concerns no slot (with two numbers); returns ERR_SYSCALL. */
status_t invariants_violation(const char *what, word_t a, word_t b);
/* The architecture's checks; a weak default in model/invariants.c checks nothing. */
status_t arch_check_invariants(void);
