/*
 * libs/process: threads and processes created by the root task.
 *
 * A thread (thread_create) runs a function in the root task's own VSpace and CSpace,
 * on a stack of its own (pages in the root task's thread-stack region, with an unmapped
 * guard page below), with its own IPC buffer, TLS, scheduling context and a badged
 * fault endpoint.
 *
 * A process (process_create) is a new VSpace (libs/process addrspace) loaded from an
 * ELF image (libs/elf), a one-level CSpace (libs/cspace) holding a badged copy of an
 * endpoint of the root task at PROCESS_EP_SLOT, a TCB, a scheduling context and an IPC
 * buffer at PROCESS_IPC_BUFFER. Its threads' faults go to the same endpoint with another
 * badge. It starts in the Keel runtime's entry (libs/crt) with x0 = 0, x1 = its IPC
 * buffer and x2 = attr->arg.
 *
 * Everything is allocated with libs/ut and libs/frametable, caps in the root task's
 * cspace, and given back by thread_destroy / process_destroy.
 */
#pragma once

#include <stdbool.h>
#include <sel4/sel4.h>
#include <cspace/cspace.h>
#include <ut/ut.h>
#include <vmap/vmap.h>
#include <frametable/frametable.h>
#include <process/addrspace.h>

#define PROCESS_EP_SLOT         1
#define PROCESS_IPC_BUFFER      0x30000000ul

#define THREAD_STACK_PAGES      4
#define THREAD_STACK_REGION     0xE000000000ul      /* in the root task's VSpace */

/* Scheduling and fault handling, shared by threads and processes. */
typedef struct sched_attr {
    cspace_t *cspace;           /* the root task's */
    seL4_SchedControl sched_control;
    seL4_TCB authority;         /* its MCP bounds priority */
    seL4_Word priority;
    seL4_Word budget_us;
    seL4_Word period_us;
    seL4_CPtr endpoint;         /* in cspace; faults are sent here... */
    seL4_Word fault_badge;      /* ...with this badge */
} sched_attr_t;

/* The kernel objects every thread has. */
typedef struct thread_objects {
    seL4_CPtr tcb;
    ut_t *tcb_ut;
    seL4_CPtr sc;
    ut_t *sc_ut;
    seL4_CPtr fault_ep;         /* the badged cap given to the TCB */
} thread_objects_t;

typedef struct thread {
    cspace_t *cspace;
    thread_objects_t obj;
    frame_ref_t ipc_frame;      /* IPC buffer and TLS */
    frame_ref_t stack_frames[THREAD_STACK_PAGES];
    seL4_CPtr stack_caps[THREAD_STACK_PAGES];
    seL4_Word stack_top;
} thread_t;

typedef struct process_attr {
    sched_attr_t sched;
    seL4_ARM_ASIDPool asid_pool;
    seL4_Word ep_badge;         /* badge of the endpoint copy at PROCESS_EP_SLOT */
    seL4_Word arg;              /* x2 at entry */
    bool map_bss;               /* map pages holding only bss now (else on first touch) */
    const char *name;           /* for the kernel's debug messages */
} process_attr_t;

typedef struct process {
    addrspace_t as;
    cspace_t cspace;
    thread_objects_t obj;
    seL4_Word entry;
} process_t;

/*
 * Start fn(arg) in a new thread of the root task, which must not return from fn (it
 * is suspended if it does). root_tables records the page tables of the root task's
 * VSpace below THREAD_STACK_REGION. Returns 0 or -1.
 */
int thread_create(thread_t *t, const sched_attr_t *attr, vmap_tables_t *root_tables,
                  void (*fn)(void *), void *arg);
void thread_destroy(thread_t *t);

/* Create a process from the ELF image elf (size bytes), not yet running. Returns 0, or
 * -1 with everything given back. */
int process_create(process_t *p, const process_attr_t *attr, const void *elf, size_t size);
/* Let it run. */
int process_start(process_t *p);
void process_destroy(process_t *p);
