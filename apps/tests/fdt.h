/*
 * A small flattened-device-tree reader for the tests: validates the header and
 * finds the RAM regions (memory nodes under the root).
 */
#ifndef KEEL_TESTS_FDT_H
#define KEEL_TESTS_FDT_H

#include <stddef.h>
#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu

struct fdt_region {
    uint64_t base, size;
};

static inline uint32_t fdt_be32(const void *p)
{
    const uint8_t *b = p;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Returns 0 if `fdt` (at most `len` bytes available) starts with a sane header. */
int fdt_check_header(const void *fdt, size_t len);
/* Total size from the header. */
uint32_t fdt_total_size(const void *fdt);
/* Fills up to `max` RAM regions from /memory* nodes (device_type "memory" or a node
 * name starting with "memory"); returns the number found, or -1 on a malformed tree. */
int fdt_memory_regions(const void *fdt, size_t len, struct fdt_region *out, int max);

#endif /* KEEL_TESTS_FDT_H */
