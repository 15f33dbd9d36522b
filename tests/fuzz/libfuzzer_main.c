/* libFuzzer driver of the host fuzzer (clang -fsanitize=fuzzer). FUZZ_VERBOSE=1 keeps the
 * kernel's output. */
#include <stdlib.h>
#include "host_fuzz.h"

static void print_stats(void)
{
    fuzz_print_stats(stderr);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (!getenv("FUZZ_VERBOSE"))
        fuzz_quiet_kernel(true);
    atexit(print_stats);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_one_input(data, size);
}
