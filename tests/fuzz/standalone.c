/*
 * Stand-alone driver of the host fuzzer, for compilers without libFuzzer: random inputs
 * from a seed, or the inputs in the files named on the command line (a corpus, or a crash
 * file that libFuzzer saved).
 *
 *   host-fuzz-standalone [-seed=N] [-runs=N] [-max_total_time=S] [FILE...]
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "host_fuzz.h"

static uint64_t rng;

static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}

static int run_file(const char *path)
{
    static uint8_t buf[1 << 16];
    FILE *f = fopen(path, "rb");
    size_t n;

    if (!f) {
        perror(path);
        return 1;
    }
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    fuzz_one_input(buf, n);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned long long seed = 1, runs = 1000, seconds = 0;
    int files = 0;

    if (!getenv("FUZZ_VERBOSE"))
        fuzz_quiet_kernel(true);
    for (int i = 1; i < argc; i++) {
        if (!strncmp(argv[i], "-seed=", 6))
            seed = strtoull(argv[i] + 6, NULL, 0);
        else if (!strncmp(argv[i], "-runs=", 6))
            runs = strtoull(argv[i] + 6, NULL, 0);
        else if (!strncmp(argv[i], "-max_total_time=", 16))
            seconds = strtoull(argv[i] + 16, NULL, 0);
        else if (argv[i][0] != '-' && (files++, run_file(argv[i]) != 0))
            return 1;
    }
    if (files) {
        fuzz_print_stats(stderr);
        return 0;
    }
    fprintf(stderr, "host-fuzz (stand-alone): seed %llu, %llu runs\n", seed, runs);
    rng = seed * 0x9e3779b97f4a7c15ull + 1;
    time_t start = time(NULL);
    for (unsigned long long r = 0; r < runs; r++) {
        static uint8_t buf[4096];
        size_t n = 64 + next() % (sizeof(buf) - 64);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)next();
        fuzz_one_input(buf, n);
        if (seconds && (unsigned long long)(time(NULL) - start) >= seconds)
            break;
    }
    fuzz_print_stats(stderr);
    return 0;
}
