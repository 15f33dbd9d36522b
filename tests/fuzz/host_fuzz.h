/* The host fuzzer's harness (host_fuzz.c) as its two drivers see it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <keel/types.h>
#include <keel/abi_gen.h>

typedef struct fuzz_stats {
    word_t runs;              /* inputs run to the end (tear-down included) */
    word_t ops;               /* kernel entries made by the inputs */
    word_t syscalls;          /* ...of which system calls */
    word_t other_entries;     /* faults, interrupts, resumes while idle */
    word_t checks;            /* invariant checks (one after every entry) */
    word_t reclaims;          /* full-size retypes after revoking the untyped */
    word_t label_hits[nArchInvocationLabels];   /* invocations that reached a decoder */
    word_t label_ok[nArchInvocationLabels];     /* ...and succeeded (Call, answered at once) */
} fuzz_stats_t;

extern fuzz_stats_t fuzz_stats;

/* Build the system, run the entries the bytes describe, tear down. Aborts (after printing
 * the last entries and the kernel's report) on any violation. */
int fuzz_one_input(const uint8_t *data, size_t size);
/* Kernel output (stdout) off while fuzzing; it is turned back on to report a failure. */
void fuzz_quiet_kernel(bool quiet);
void fuzz_print_stats(FILE *f);
