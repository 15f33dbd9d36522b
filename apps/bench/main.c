/*
 * Keel benchmark root task: runs every benchmark, prints a table and one
 * "BENCH,<name>,<words>,<min>,<median>,<mean>" line per result (instruction counts
 * under QEMU -icount shift=0, measurement overhead subtracted), then halts the
 * system. tools/bench/run.py boots it and collects the lines.
 *
 * Only the seL4 API is used, so the same program would run on seL4 (MCS, AArch64,
 * with the PMU cycle counter exported to user mode).
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"

const char *__keel_progname = "bench";

static const char *const error_names[] = {
    "NoError", "InvalidArgument", "InvalidCapability", "IllegalOperation", "RangeError",
    "AlignmentError", "FailedLookup", "TruncatedMessage", "DeleteFirst", "RevokeFirst",
    "NotEnoughMemory",
};

static const char *error_name(seL4_Word err)
{
    if (err < sizeof(error_names) / sizeof(error_names[0])) {
        return error_names[err];
    }
    return "unknown error";
}

static void halt(void) __attribute__((noreturn));
static void halt(void)
{
    seL4_DebugHalt();
    for (;;) {
        seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}

void bench_die(const char *what, seL4_Word err)
{
    printf("bench: error: %s: %s (%lu)\n", what, error_name(err), (unsigned long)err);
    printf("bench: aborted\n");
    halt();
}

static void print_config(void)
{
    printf("\nKeel benchmarks (root task, seL4 MCS API)\n");
    printf("%d warm-up + %d measured iterations per benchmark; counts are instructions "
           "under QEMU -icount shift=0, measurement overhead subtracted\n",
           BENCH_WARMUP, BENCH_ITERS);
    printf("BENCHINFO,iterations,%d\n", BENCH_ITERS);
    printf("BENCHINFO,warmup,%d\n", BENCH_WARMUP);
}

int main(void)
{
    static struct overheads overheads;
    static struct space other;

    seL4_DebugNameThread(seL4_CapInitThreadTCB, "bench");
    env_init(seL4_GetBootInfo());
    print_config();
    calibrate_counter();
    measure_overheads(&overheads);

    sync_init();
    space_create(&other);
    space_verify(&other);
    run_ipc_benchmarks(&overheads, &other);
    run_signal_benchmarks(&overheads, &other);
    run_yield_benchmarks(&overheads, &other);
    run_fault_benchmarks(&overheads);
    run_memory_benchmarks(&overheads);
    run_irq_benchmarks(&overheads);

    printf("\nbench: done\n");
    halt();
}
