/*
 * Keel benchmarks: statistics of the samples and the report lines.
 */
#include <stdio.h>
#include "bench.h"

static uint64_t scratch[BENCH_ITERS];

static void sort(uint64_t *v, unsigned n)
{
    /* Insertion sort: n is small and the samples are nearly equal. */
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
}

struct stats stats_of_samples(uint64_t *samples, unsigned n)
{
    struct stats s = { 0, 0, 0, 0 };
    if (n == 0) {
        return s;
    }
    uint64_t sum = 0;
    for (unsigned i = 0; i < n; i++) {
        sum += samples[i];
    }
    sort(samples, n);
    s.min = samples[0];
    s.max = samples[n - 1];
    s.median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    s.mean_x10 = (sum * 10 + n / 2) / n;
    return s;
}

struct stats stats_of_deltas(const uint64_t *start, const uint64_t *end, uint64_t overhead)
{
    for (unsigned i = 0; i < BENCH_ITERS; i++) {
        uint64_t d = end[BENCH_WARMUP + i] - start[BENCH_WARMUP + i];
        scratch[i] = d > overhead ? d - overhead : 0;
    }
    return stats_of_samples(scratch, BENCH_ITERS);
}

void report_header(const char *title)
{
    printf("\n%s\n", title);
    printf("  %-34s %5s %8s %8s %10s %8s\n", "benchmark", "words", "min", "median", "mean",
           "max");
}

void report(const char *name, unsigned words, const struct stats *s)
{
    unsigned long mean_int = (unsigned long)(s->mean_x10 / 10);
    unsigned long mean_frac = (unsigned long)(s->mean_x10 % 10);
    printf("  %-34s %5u %8lu %8lu %8lu.%lu %8lu\n", name, words, (unsigned long)s->min,
           (unsigned long)s->median, mean_int, mean_frac, (unsigned long)s->max);
    printf("BENCH,%s,%u,%lu,%lu,%lu.%lu\n", name, words, (unsigned long)s->min,
           (unsigned long)s->median, mean_int, mean_frac);
}
