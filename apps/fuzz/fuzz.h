/*
 * The in-QEMU syscall fuzzer: what the root task (main.c) and the fuzz threads
 * (child.c) share.
 *
 * Each fuzz thread runs child code from the root task's image, mapped read-only into the
 * thread's own VSpace; the only memory it can write is its stack, its TLS block, its IPC
 * buffer and its status page (below). The root maps the TLS block and the status page
 * too, to set the thread up and to read its progress.
 */
#ifndef KEEL_FUZZ_H
#define KEEL_FUZZ_H

#include <stdint.h>
#include <sel4/sel4.h>

#define FZ_MAX_CHILDREN  6
#define FZ_CHILD_RADIX   6                /* a fuzz thread's CSpace: 64 slots, guard 58 */
#define FZ_CHILD_GUARD   (64 - FZ_CHILD_RADIX)

/* The slots of a fuzz thread's CSpace (cptr = slot). */
enum fz_slot {
    FZ_S_TCB = 1,          /* its own TCB */
    FZ_S_CNODE,            /* its own CNode (guard 58) */
    FZ_S_UT,               /* an untyped of its own */
    FZ_S_EP,               /* the shared endpoint, badged with its number */
    FZ_S_NTFN,             /* the shared notification, badged, Write */
    FZ_S_REPLY,            /* a reply object */
    FZ_S_SC,               /* its own SC */
    FZ_S_NEXT_TCB,         /* the next fuzz thread's TCB */
    FZ_S_IPC_FRAME,        /* a copy of its IPC buffer's frame cap */
    FZ_S_EP2,              /* a second shared endpoint, unbadged, all rights */
    FZ_S_NEXT_CNODE,       /* the next fuzz thread's CNode (guard 0: depth 6) */
    FZ_S_EP_RECV,          /* the shared endpoint, Read + GrantReply */
    FZ_S_NTFN_WAIT,        /* the shared notification, Read */
    FZ_S_VSPACE,           /* its own VSpace */
    FZ_S_FRAME,            /* a spare frame */
    FZ_S_PT,               /* a spare page table */
    FZ_S_ASID_POOL,        /* the root's ASID pool */
    FZ_S_REPLY2,           /* another reply object */
    FZ_S_ASID_CONTROL,     /* ASIDControl (fuzz thread 1 only) */
    FZ_S_SCHED_CONTROL,    /* SchedControl (thread 2 only) */
    FZ_S_DOMAIN,           /* DomainSet (thread 2 only) */
    FZ_S_IRQ_HANDLER,      /* an IRQHandler of its own (IRQ 48 + its number) */
    FZ_S_IRQ_CONTROL,      /* IRQControl (thread 3 only, lent by the root) */
    FZ_S_FREE = 24,        /* 24..47 start empty */
    FZ_S_OTHER_CNODES = 48 /* the reaper (thread 0): every fuzz thread's CNode (guard 0) */
};

/* Virtual memory of fuzz thread i: its own pages in a window shared with the root, and
 * a playground where it maps whatever it likes. */
#define FZ_WINDOW(i)        (0x10000000ul + (unsigned long)(i) * 0x100000ul)
#define FZ_STACK_PAGES      4
#define FZ_STACK(i)         (FZ_WINDOW(i) + 0x1000ul)           /* guard page below */
#define FZ_STACK_TOP(i)     (FZ_STACK(i) + FZ_STACK_PAGES * 0x1000ul)
#define FZ_TLS(i)           (FZ_WINDOW(i) + 0x6000ul)
#define FZ_IPC(i)           (FZ_WINDOW(i) + 0x7000ul)
#define FZ_STATUS(i)        (FZ_WINDOW(i) + 0x8000ul)
#define FZ_PLAYGROUND       0x40000000ul
#define FZ_PLAYGROUND_PAGES 0x4000ul                              /* 64 MiB */

/* A fuzz thread's page: written by it, read by the root. */
typedef struct fz_status {
    volatile uint64_t ops;            /* operations done */
    uint64_t rng;                     /* its random state (survives restarts) */
    uint64_t index, nchildren;
    uint64_t reaper;                  /* deletes and revokes in the others' CSpaces */
    uint64_t labels_hit;              /* bit l: label l invoked on a cap of its type */
    uint64_t labels_ok;               /* bit l: ...and it succeeded */
    uint64_t syscalls;                /* system calls made (debug ones included) */
    uint64_t types[64];               /* cap type tag of each slot (refreshed now and then) */
    /* The operation in progress, for the root's report after a fault or a hang. */
    uint64_t cur_number, cur_cptr, cur_info, cur_mr[4], cur_caps[3];
} fz_status_t;

/* The fuzz threads' code (child.c): runs forever. */
void fz_child_main(fz_status_t *st) __attribute__((noreturn));

/* seL4 invocation labels that exist for each cap type tag (child.c). */
int fz_label_belongs(seL4_Word tag, seL4_Word label);

#endif
