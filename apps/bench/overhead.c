/*
 * Keel benchmarks: checking the counter and measuring the measurement overhead.
 *
 * Every timed window holds a few instructions besides the kernel's work (the counter
 * reads, loading the syscall registers). Their cost is measured by running the same
 * sequence with `nop` in place of `svc`; the minimum is subtracted from the results.
 */
#include <stdio.h>
#include "bench.h"
#include "cycles.h"

static uint64_t t_start[BENCH_TOTAL], t_end[BENCH_TOTAL];

#define TIME_LOOP(stmt)                                                                \
    do {                                                                               \
        for (unsigned i_ = 0; i_ < BENCH_TOTAL; i_++) {                                \
            uint64_t a_ = read_ccnt();                                                 \
            stmt;                                                                      \
            uint64_t b_ = read_ccnt();                                                 \
            t_start[i_] = a_;                                                          \
            t_end[i_] = b_;                                                            \
        }                                                                              \
    } while (0)

#define NOPS_10 "nop; nop; nop; nop; nop; nop; nop; nop; nop; nop;"
#define NOPS_100 NOPS_10 NOPS_10 NOPS_10 NOPS_10 NOPS_10 NOPS_10 NOPS_10 NOPS_10 NOPS_10 NOPS_10

static void pmu_probe_fn(seL4_Word ep) __attribute__((noreturn));
static void pmu_probe_fn(seL4_Word ep)
{
    (void)read_ccnt();                      /* traps unless the kernel exports the PMU */
    probe_succeeded(ep);
}

/* Under -icount shift=0 the counter advances by one per instruction: 100 extra nops
 * in a window must add exactly 100. */
void calibrate_counter(void)
{
    if (!probe_in_thread(pmu_probe_fn)) {
        bench_die("PMCCNTR_EL0 is not readable at EL0 (kernel without CONFIG_EXPORT_PMU_USER=1)",
                  seL4_IllegalOperation);
    }
    TIME_LOOP((void)0);
    struct stats empty = stats_of_deltas(t_start, t_end, 0);
    TIME_LOOP(__asm__ volatile(NOPS_100));
    struct stats nops = stats_of_deltas(t_start, t_end, 0);

    if (nops.max == 0) {
        bench_die("the cycle counter does not count (kernel without CONFIG_EXPORT_PMU_USER?)",
                  seL4_IllegalOperation);
    }
    uint64_t per_100 = nops.median - empty.median;
    printf("counter check: empty window %lu, 100 nops add %lu ticks%s\n",
           (unsigned long)empty.median, (unsigned long)per_100,
           per_100 == 100 ? " (one per instruction)" : " (NOT one per instruction: no -icount?)");
    printf("BENCHINFO,ticks_per_100_insns,%lu\n", (unsigned long)per_100);
}

void measure_overheads(struct overheads *o)
{
    seL4_Word info = msginfo(0);
    struct stats s;

    TIME_LOOP((void)0);
    s = stats_of_deltas(t_start, t_end, 0);
    o->ccnt = s.min;
    TIME_LOOP(nop_call(0, info));
    s = stats_of_deltas(t_start, t_end, 0);
    o->call = s.min;
    TIME_LOOP(nop_reply_recv(0, info, 0));
    s = stats_of_deltas(t_start, t_end, 0);
    o->reply_recv = s.min;
    TIME_LOOP(nop_signal(0));
    s = stats_of_deltas(t_start, t_end, 0);
    o->signal = s.min;
    TIME_LOOP(nop_unknown());
    s = stats_of_deltas(t_start, t_end, 0);
    o->fault = s.min;

    printf("measurement overhead (subtracted): counter pair %lu, call %lu, reply_recv %lu, "
           "signal %lu, fault %lu\n", (unsigned long)o->ccnt, (unsigned long)o->call,
           (unsigned long)o->reply_recv, (unsigned long)o->signal, (unsigned long)o->fault);
    printf("BENCHINFO,overhead,ccnt=%lu call=%lu reply_recv=%lu signal=%lu fault=%lu\n",
           (unsigned long)o->ccnt, (unsigned long)o->call, (unsigned long)o->reply_recv,
           (unsigned long)o->signal, (unsigned long)o->fault);
}
