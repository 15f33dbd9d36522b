/*
 * Minimal FDT (devicetree blob, spec v0.4 chapter 5) reader for the boot tests.
 */
#include "fdt.h"

#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u

#define HDR_MAGIC 0
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_VERSION 20
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36
#define HDR_LEN 40

static int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return *a == *b;
}

static int str_prefix(const char *s, const char *prefix)
{
    while (*prefix) {
        if (*s++ != *prefix++)
            return 0;
    }
    return 1;
}

uint32_t fdt_total_size(const void *fdt)
{
    return fdt_be32((const uint8_t *)fdt + HDR_TOTALSIZE);
}

int fdt_check_header(const void *fdt, size_t len)
{
    const uint8_t *b = fdt;
    if (len < HDR_LEN)
        return -1;
    if (fdt_be32(b + HDR_MAGIC) != FDT_MAGIC)
        return -1;
    uint32_t total = fdt_be32(b + HDR_TOTALSIZE);
    if (total > len || total < HDR_LEN)
        return -1;
    uint32_t off_struct = fdt_be32(b + HDR_OFF_STRUCT);
    uint32_t size_struct = fdt_be32(b + HDR_SIZE_STRUCT);
    uint32_t off_strings = fdt_be32(b + HDR_OFF_STRINGS);
    uint32_t size_strings = fdt_be32(b + HDR_SIZE_STRINGS);
    if (fdt_be32(b + HDR_VERSION) < 17)
        return -1;
    if ((uint64_t)off_struct + size_struct > total || (off_struct & 3))
        return -1;
    if ((uint64_t)off_strings + size_strings > total)
        return -1;
    return 0;
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
    uint64_t v = 0;
    for (uint32_t i = 0; i < cells; i++)
        v = (v << 32) | fdt_be32(p + 4 * i);
    return v;
}

int fdt_memory_regions(const void *fdt, size_t len, struct fdt_region *out, int max)
{
    const uint8_t *b = fdt;
    if (fdt_check_header(fdt, len))
        return -1;
    const uint8_t *st = b + fdt_be32(b + HDR_OFF_STRUCT);
    uint32_t st_size = fdt_be32(b + HDR_SIZE_STRUCT);
    const char *strings = (const char *)b + fdt_be32(b + HDR_OFF_STRINGS);
    uint32_t strings_size = fdt_be32(b + HDR_SIZE_STRINGS);

    uint32_t addr_cells = 2, size_cells = 1; /* defaults for the root's children */
    int depth = 0;
    int found = 0;
    /* State of the depth-1 node being walked. */
    int is_memory = 0;
    const uint8_t *reg = NULL;
    uint32_t reg_len = 0;

    uint32_t off = 0;
    while (off + 4 <= st_size) {
        uint32_t tok = fdt_be32(st + off);
        off += 4;
        switch (tok) {
        case FDT_BEGIN_NODE: {
            const char *name = (const char *)st + off;
            uint32_t n = 0;
            while (off + n < st_size && name[n])
                n++;
            if (off + n >= st_size)
                return -1;
            depth++;
            if (depth == 2) {
                is_memory = str_prefix(name, "memory") && (name[6] == '\0' || name[6] == '@');
                reg = NULL;
                reg_len = 0;
            }
            off += (n + 1 + 3) & ~3u;
            break;
        }
        case FDT_END_NODE:
            if (depth == 0)
                return -1;
            if (depth == 2 && is_memory && reg) {
                uint32_t entry = 4 * (addr_cells + size_cells);
                for (uint32_t i = 0; entry && i + entry <= reg_len; i += entry) {
                    uint64_t base = read_cells(reg + i, addr_cells);
                    uint64_t size = read_cells(reg + i + 4 * addr_cells, size_cells);
                    if (size == 0)
                        continue;
                    if (found < max) {
                        out[found].base = base;
                        out[found].size = size;
                    }
                    found++;
                }
            }
            depth--;
            break;
        case FDT_PROP: {
            if (off + 8 > st_size)
                return -1;
            uint32_t plen = fdt_be32(st + off);
            uint32_t nameoff = fdt_be32(st + off + 4);
            off += 8;
            if (off + plen > st_size || nameoff >= strings_size)
                return -1;
            const char *pname = strings + nameoff;
            const uint8_t *val = st + off;
            if (depth == 1) {
                if (str_eq(pname, "#address-cells") && plen == 4)
                    addr_cells = fdt_be32(val);
                else if (str_eq(pname, "#size-cells") && plen == 4)
                    size_cells = fdt_be32(val);
            } else if (depth == 2) {
                if (str_eq(pname, "device_type") && plen >= 7 && str_eq((const char *)val, "memory"))
                    is_memory = 1;
                else if (str_eq(pname, "reg")) {
                    reg = val;
                    reg_len = plen;
                }
            }
            off += (plen + 3) & ~3u;
            break;
        }
        case FDT_NOP:
            break;
        case FDT_END:
            if (addr_cells > 2 || size_cells > 2)
                return -1;
            return found < max ? found : max;
        default:
            return -1;
        }
        if (addr_cells > 2 || size_cells > 2)
            return -1;
    }
    return -1;
}
