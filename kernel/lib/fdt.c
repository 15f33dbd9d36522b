/*
 * Flattened device tree parser (see lib/fdt.h).
 *
 * The structure block is a sequence of big-endian 32-bit tokens:
 *   BEGIN_NODE name\0 (padded to 4)  |  END_NODE  |  PROP len nameoff value (padded)  |
 *   NOP  |  END.
 * Every helper below takes an offset into that block and checks it against its size.
 */
#include <lib/fdt.h>
#include <keel/kernel.h>

enum {
    FDT_BEGIN_NODE = 1,
    FDT_END_NODE   = 2,
    FDT_PROP       = 3,
    FDT_NOP        = 4,
    FDT_END        = 9,
};

#define FDT_HEADER_SIZE 40
#define MAX_DEPTH       32

/* Big-endian 32-bit read, byte by byte: DTB data need not be aligned for us. */
static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t align4(uint32_t x) { return (x + 3) & ~3u; }

uint64_t fdt_read_cells(const void *p, int cells)
{
    const uint8_t *b = p;
    uint64_t v = 0;
    for (int i = 0; i < cells; i++)
        v = (v << 32) | be32(b + 4 * i);
    return v;
}

uint32_t fdt_total_size(const void *blob)
{
    if (blob == NULL || be32(blob) != FDT_MAGIC)
        return 0;
    return be32((const uint8_t *)blob + 4);
}

/* A header field, by byte offset. */
static uint32_t header(const void *blob, int off) { return be32((const uint8_t *)blob + off); }

int fdt_init(fdt_t *fdt, const void *blob, size_t max_size)
{
    if (blob == NULL || max_size < FDT_HEADER_SIZE || header(blob, 0) != FDT_MAGIC)
        return -1;

    uint32_t total = header(blob, 4);
    uint32_t off_struct = header(blob, 8), off_strings = header(blob, 12);
    uint32_t version = header(blob, 20);
    uint32_t size_strings = header(blob, 32), size_struct = header(blob, 36);

    if (total > max_size || total < FDT_HEADER_SIZE || version < 17)
        return -1;
    if (off_struct > total || size_struct > total - off_struct || (off_struct & 3) != 0)
        return -1;
    if (off_strings > total || size_strings > total - off_strings)
        return -1;

    *fdt = (fdt_t){
        .blob = blob,
        .total_size = total,
        .structs = (const uint8_t *)blob + off_struct,
        .structs_size = size_struct & ~3u,
        .strings = (const char *)blob + off_strings,
        .strings_size = size_strings,
    };
    return 0;
}

uint32_t fdt_used_size(const fdt_t *fdt)
{
    uint32_t end = (uint32_t)(fdt->structs - fdt->blob) + header(fdt->blob, 36);
    uint32_t strings_end = (uint32_t)((const uint8_t *)fdt->strings - fdt->blob) +
                           fdt->strings_size;
    end = MAX(end, strings_end);

    /* The reserved-memory map: 16-byte entries up to one of all zeroes. */
    uint32_t off = header(fdt->blob, 16);
    while (off <= fdt->total_size - 16) {
        bool last = fdt_read_cells(fdt->blob + off, 2) == 0 &&
                    fdt_read_cells(fdt->blob + off + 8, 2) == 0;
        off += 16;
        if (last)
            break;
    }
    return MAX(end, MIN(off, fdt->total_size));
}

/* Token at 'off', or FDT_END if 'off' is outside the structure block. */
static uint32_t token_at(const fdt_t *fdt, uint32_t off)
{
    if (fdt->structs_size < 4 || off > fdt->structs_size - 4)
        return FDT_END;
    return be32(fdt->structs + off);
}

/* Length of the NUL-terminated string at 'p' within 'limit' bytes, or -1. */
static int bounded_strlen(const char *p, uint32_t limit)
{
    for (uint32_t i = 0; i < limit; i++) {
        if (p[i] == '\0')
            return (int)i;
    }
    return -1;
}

/* Offset just after the token at 'off' (and its payload), or -1 if malformed. */
static int skip_token(const fdt_t *fdt, uint32_t off)
{
    uint32_t tok = token_at(fdt, off);
    uint32_t rest = fdt->structs_size - off - 4;   /* bytes after the token word */

    switch (tok) {
    case FDT_BEGIN_NODE: {
        int n = bounded_strlen((const char *)fdt->structs + off + 4, rest);
        return n < 0 ? -1 : (int)(off + 4 + align4((uint32_t)n + 1));
    }
    case FDT_PROP: {
        if (rest < 8)
            return -1;
        uint32_t len = be32(fdt->structs + off + 4);
        if (len > rest - 8)
            return -1;
        return (int)(off + 12 + align4(len));
    }
    case FDT_END_NODE:
    case FDT_NOP:
        return (int)(off + 4);
    default:
        return -1;
    }
}

int fdt_root(const fdt_t *fdt)
{
    uint32_t off = 0;
    while (token_at(fdt, off) == FDT_NOP)
        off += 4;
    return token_at(fdt, off) == FDT_BEGIN_NODE ? (int)off : -1;
}

int fdt_next_node(const fdt_t *fdt, int node, int *depth)
{
    int d = 0;
    if (node < 0 || token_at(fdt, (uint32_t)node) != FDT_BEGIN_NODE)
        return -1;

    int off = skip_token(fdt, (uint32_t)node);
    while (off >= 0) {
        uint32_t tok = token_at(fdt, (uint32_t)off);
        if (tok == FDT_BEGIN_NODE) {
            if (depth != NULL)
                *depth += d + 1;
            return off;
        }
        if (tok == FDT_END_NODE)
            d--;
        else if (tok == FDT_END)
            return -1;
        off = skip_token(fdt, (uint32_t)off);
    }
    return -1;
}

const char *fdt_node_name(const fdt_t *fdt, int node)
{
    if (node < 0 || token_at(fdt, (uint32_t)node) != FDT_BEGIN_NODE)
        return "";
    /* skip_token() already proved the name is terminated within the block. */
    if (skip_token(fdt, (uint32_t)node) < 0)
        return "";
    return (const char *)fdt->structs + node + 4;
}

static bool name_matches(const char *node_name, const char *name)
{
    size_t n = strlen(name);
    return strncmp(node_name, name, n) == 0 && (node_name[n] == '\0' || node_name[n] == '@');
}

int fdt_find_node(const fdt_t *fdt, int from, const char *name)
{
    int node = from < 0 ? fdt_root(fdt) : fdt_next_node(fdt, from, NULL);
    for (; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        if (name_matches(fdt_node_name(fdt, node), name))
            return node;
    }
    return -1;
}

/* Does the string list (NUL-separated) of 'len' bytes contain 'want'? */
static bool stringlist_contains(const char *list, uint32_t len, const char *want)
{
    uint32_t i = 0;
    while (i < len) {
        int n = bounded_strlen(list + i, len - i);
        if (n < 0)
            return false;
        if (strcmp(list + i, want) == 0)
            return true;
        i += (uint32_t)n + 1;
    }
    return false;
}

int fdt_find_compatible(const fdt_t *fdt, int from, const char *compat)
{
    int node = from < 0 ? fdt_root(fdt) : fdt_next_node(fdt, from, NULL);
    for (; node >= 0; node = fdt_next_node(fdt, node, NULL)) {
        uint32_t len;
        const char *list = fdt_get_prop(fdt, node, "compatible", &len);
        if (list != NULL && stringlist_contains(list, len, compat))
            return node;
    }
    return -1;
}

int fdt_parent(const fdt_t *fdt, int node)
{
    int stack[MAX_DEPTH];
    int depth = 0;
    int cur = fdt_root(fdt);

    /* Walk from the root, remembering the chain of open nodes. */
    while (cur >= 0 && cur != node) {
        int d = 0;
        int next = fdt_next_node(fdt, cur, &d);
        if (next < 0)
            return -1;
        /* d = +1: 'next' is cur's child; else it closes 1 - d levels first. */
        if (d == 1) {
            if (depth == MAX_DEPTH)
                return -1;
            stack[depth++] = cur;
        } else {
            depth += d;     /* d <= 0: back up to the parent shared with 'next' */
            if (depth < 0)
                return -1;
        }
        cur = next;
    }
    if (cur != node || depth == 0)
        return -1;
    return stack[depth - 1];
}

const void *fdt_get_prop(const fdt_t *fdt, int node, const char *name, uint32_t *len)
{
    if (node < 0 || token_at(fdt, (uint32_t)node) != FDT_BEGIN_NODE)
        return NULL;

    /* Properties come right after BEGIN_NODE, before any child node. */
    int off = skip_token(fdt, (uint32_t)node);
    while (off >= 0) {
        uint32_t tok = token_at(fdt, (uint32_t)off);
        int next = skip_token(fdt, (uint32_t)off);   /* also validates the payload */
        if (next < 0)
            return NULL;
        if (tok == FDT_PROP) {
            uint32_t plen = be32(fdt->structs + off + 4);
            uint32_t nameoff = be32(fdt->structs + off + 8);
            if (nameoff < fdt->strings_size) {
                const char *pname = fdt->strings + nameoff;
                int n = bounded_strlen(pname, fdt->strings_size - nameoff);
                if (n >= 0 && strcmp(pname, name) == 0) {
                    if (len != NULL)
                        *len = plen;
                    return fdt->structs + off + 12;
                }
            }
        } else if (tok != FDT_NOP) {
            return NULL;    /* a child node, END_NODE or END: no more properties */
        }
        off = next;
    }
    return NULL;
}

uint32_t fdt_get_u32(const fdt_t *fdt, int node, const char *name, uint32_t dflt)
{
    uint32_t len;
    const void *p = fdt_get_prop(fdt, node, name, &len);
    return (p != NULL && len == 4) ? be32(p) : dflt;
}

int fdt_get_reg(const fdt_t *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
    int parent = fdt_parent(fdt, node);
    if (parent < 0 || index < 0)
        return -1;

    /* Defaults from the devicetree specification. */
    uint32_t ac = fdt_get_u32(fdt, parent, "#address-cells", 2);
    uint32_t sc = fdt_get_u32(fdt, parent, "#size-cells", 1);
    if (ac < 1 || ac > 2 || sc > 2)
        return -1;

    uint32_t len;
    const uint8_t *reg = fdt_get_prop(fdt, node, "reg", &len);
    uint32_t entry = 4 * (ac + sc);
    if (reg == NULL || (uint64_t)(index + 1) * entry > len)
        return -1;

    reg += (uint32_t)index * entry;
    *addr = fdt_read_cells(reg, (int)ac);
    *size = sc == 0 ? 0 : fdt_read_cells(reg + 4 * ac, (int)sc);
    return 0;
}
