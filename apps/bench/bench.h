/*
 * Keel benchmark root task: shared declarations.
 *
 * The root task is only the driver: it creates the threads that are measured, starts
 * them, waits for them to finish and prints the results. Every measured thread reads
 * the PMU cycle counter (PMCCNTR_EL0) at EL0; under QEMU `-icount shift=0` one tick is
 * one executed instruction, so all numbers are instruction counts.
 *
 * Memory model: every thread, also one in another address space, runs the code of
 * this image. A separate address space maps copies of the root task's image frame
 * caps at the same virtual addresses (space.c), so globals, stacks and result arrays
 * are shared memory, while the page tables (and the ASID) differ: a switch between
 * the two is a real address-space switch.
 */
#ifndef KEEL_BENCH_H
#define KEEL_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sel4/sel4.h>

/* ---- Run parameters ------------------------------------------------------------------ */

#define BENCH_WARMUP 32       /* iterations run first and thrown away */
#define BENCH_ITERS 512       /* measured iterations */
#define BENCH_TOTAL (BENCH_WARMUP + BENCH_ITERS)

/* Priorities: the driver is above everything it measures. */
#define PRIO_DRIVER seL4_MaxPrio
#define PRIO_LOW 100
#define PRIO_HIGH 200

/* ---- Fatal errors --------------------------------------------------------------------- */

/* Print "bench: error: <what>: <error name>" and stop the benchmark run. */
void bench_die(const char *what, seL4_Word err) __attribute__((noreturn));

/* Stop with bench_die() unless err is seL4_NoError. */
static inline void check(seL4_Word err, const char *what)
{
    if (err != seL4_NoError) {
        bench_die(what, err);
    }
}

/* ---- Objects and slots (env.c) ----------------------------------------------------------- */

void env_init(seL4_BootInfo *bi);
seL4_BootInfo *env_bootinfo(void);
seL4_CPtr env_alloc_slot(void);
/* Retype one object from the boot RAM untypeds into a fresh root CNode slot. */
seL4_CPtr env_alloc_object(seL4_Word type, seL4_Word size_bits);
/* Copy a cap of the root CNode into a fresh root slot. */
seL4_CPtr env_copy_cap(seL4_CPtr src);
/* Map a frame into `vspace` at `vaddr`, creating missing page tables on the way. */
void env_map_frame(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights);

/* ---- Address spaces (space.c) -------------------------------------------------------------- */

/* A separate VSpace + CSpace running this image (see the top of this file). */
struct space {
    seL4_CPtr vspace;           /* root CNode slot of its VSpace root */
    seL4_CPtr cnode;            /* root CNode slot of its CNode */
    seL4_CPtr frames_start;     /* root slots of the copied image frame caps */
    seL4_Word nframes;
    seL4_Word next_slot;        /* next free slot of its CNode */
};

/* Image frames: virtual address of frame i is image_base() + i * 4 KiB. */
seL4_Word image_base(void);
void space_create(struct space *s);
/* Check (or stop the run) that a thread of space s runs on the space's own page
 * tables: it must see a different page than the root task at the same address. */
void space_verify(struct space *s);
/* Copy a root cap into the space's CNode; returns the cptr valid inside the space.
 * With s == NULL (the root task's own space) returns `cap` unchanged. */
seL4_CPtr space_give_cap(struct space *s, seL4_CPtr cap);
/* Root slot of the frame cap that backs image address `vaddr` in space s (NULL = root). */
seL4_CPtr space_frame_cap(const struct space *s, seL4_Word vaddr);
/* CSpace root and guard data for a thread of space s. */
seL4_CPtr space_cnode(const struct space *s);
seL4_Word space_cnode_data(const struct space *s);
seL4_CPtr space_vspace(const struct space *s);

/* ---- Threads (thread.c) ----------------------------------------------------------------------- */

#define BENCH_MAX_THREADS 20

struct thread {
    seL4_CPtr tcb;              /* root slots */
    seL4_CPtr sc;
    struct space *space;        /* NULL: the root task's VSpace and CSpace */
    int idx;                    /* pool index: stack, TLS block, IPC buffer */
    seL4_Word tls;              /* TPIDR_EL0 value */
    bool passive;
};

typedef void (*thread_fn_t)(seL4_Word arg);

/* Create a thread with its own scheduling context (budget = period, so it is never
 * throttled during a run), priority `prio`, fault handler `fault_ep` (a root cptr,
 * 0 = none). It does not run until thread_start(). */
void thread_create(struct thread *t, const char *name, struct space *space, seL4_Word prio,
                   seL4_CPtr fault_ep);
/* (Re)start fn(arg) on a fresh stack; fn must never return. */
void thread_start(struct thread *t, thread_fn_t fn, seL4_Word arg);
void thread_stop(struct thread *t);
void thread_set_prio(struct thread *t, seL4_Word prio);
/* Take the scheduling context away (passive) or give it back. */
void thread_make_passive(struct thread *t);
void thread_make_active(struct thread *t);
/* This thread's IPC buffer (the same address in every space). */
seL4_IPCBuffer *thread_ipc_buffer(const struct thread *t);

/* Run fn(ep) in a thread whose faults go to ep: true if fn reached probe_succeeded(ep),
 * false if it faulted (e.g. on a system register EL0 may not read). */
bool probe_in_thread(thread_fn_t fn);
void probe_succeeded(seL4_Word ep) __attribute__((noreturn));

/* The driver's notifications that measured threads signal when they are done. */
struct sync_caps {
    seL4_CPtr done;             /* signalled by a thread at the end of a run */
    seL4_CPtr park;             /* never signalled: threads wait here when finished */
};
void sync_init(void);
/* The sync caps as seen from inside space s (NULL = root). */
struct sync_caps sync_caps_for(struct space *s);
/* Driver side: wait until one thread has signalled `done`. */
void sync_wait_done(void);
/* Thread side: signal done, then block forever. */
void thread_finish(const struct sync_caps *sync) __attribute__((noreturn));

/* ---- Statistics and output (stats.c) ------------------------------------------------------------ */

struct stats {
    uint64_t min, median, max;
    uint64_t mean_x10;          /* mean in tenths */
};

/* Differences end[i] - start[i] - overhead for the measured iterations (the first
 * BENCH_WARMUP entries of both arrays are skipped). */
struct stats stats_of_deltas(const uint64_t *start, const uint64_t *end, uint64_t overhead);
/* Statistics of plain samples (n values). */
struct stats stats_of_samples(uint64_t *samples, unsigned n);

/* Print a table row and the machine-readable line BENCH,<name>,<words>,<min>,<median>,<mean>. */
void report(const char *name, unsigned words, const struct stats *s);
void report_header(const char *title);

/* ---- Suites ----------------------------------------------------------------------------------------- */

/* Timestamp-pair overheads (what a measured window costs without the syscall). */
struct overheads {
    uint64_t ccnt;              /* two counter reads back to back */
    uint64_t call;              /* counter, Call sequence with nop instead of svc, counter */
    uint64_t reply_recv;
    uint64_t signal;
    uint64_t fault;
};

void measure_overheads(struct overheads *o);
void calibrate_counter(void);

void run_ipc_benchmarks(const struct overheads *o, struct space *other);
void run_signal_benchmarks(const struct overheads *o, struct space *other);
void run_yield_benchmarks(const struct overheads *o, struct space *other);
void run_fault_benchmarks(const struct overheads *o);
void run_memory_benchmarks(const struct overheads *o);
void run_irq_benchmarks(const struct overheads *o);

#endif /* KEEL_BENCH_H */
