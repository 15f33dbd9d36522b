/*
 * A small read-only parser for flattened device trees (DTB, version 17).
 *
 * Nodes are named by their offset in the structure block (an int >= 0); -1 means "no
 * node". All reads are bounds-checked against the sizes in the header, so a corrupt blob
 * gives "not found" rather than a wild read. Portable C (also built for host tests).
 */
#pragma once

#include <keel/types.h>

#define FDT_MAGIC 0xd00dfeedu

typedef struct fdt {
    const uint8_t *blob;
    uint32_t       total_size;
    const uint8_t *structs;       /* structure block */
    uint32_t       structs_size;
    const char    *strings;       /* strings block */
    uint32_t       strings_size;
} fdt_t;

/* Size the header claims, or 0 if 'blob' does not start with an FDT header. */
uint32_t fdt_total_size(const void *blob);

/* Bytes the blob really uses (header, reserved-memory map, structure and strings
 * blocks), which can be far less than its total size: QEMU pads its DTB to 1 MiB.
 * Only call on a blob fdt_init() accepted. */
uint32_t fdt_used_size(const fdt_t *fdt);

/* Check the header of the blob (at most max_size bytes long) and fill in *fdt.
 * Returns 0, or -1 if the blob is not a usable DTB. */
int fdt_init(fdt_t *fdt, const void *blob, size_t max_size);

/* The root node. */
int fdt_root(const fdt_t *fdt);

/* The node after 'node' in document order (depth first), or -1. *depth (if not NULL) is
 * adjusted by the change in nesting depth: +1 for a child, 0 for a sibling, <= 0 else. */
int fdt_next_node(const fdt_t *fdt, int node, int *depth);

/* Node name including any unit address ("memory@40000000"); "" for the root. */
const char *fdt_node_name(const fdt_t *fdt, int node);

/* The first node after 'from' (-1: from the start) whose name is 'name' or starts with
 * 'name' followed by '@' (the unit address): "memory" finds "memory@40000000". */
int fdt_find_node(const fdt_t *fdt, int from, const char *name);

/* The first node after 'from' whose "compatible" list contains 'compat'. */
int fdt_find_compatible(const fdt_t *fdt, int from, const char *compat);

/* The parent of 'node', or -1 for the root. */
int fdt_parent(const fdt_t *fdt, int node);

/* Property value and its length in bytes, or NULL if the node has no such property. */
const void *fdt_get_prop(const fdt_t *fdt, int node, const char *name, uint32_t *len);

/* A property of one 32-bit cell, or 'dflt' if it is missing or has another size. */
uint32_t fdt_get_u32(const fdt_t *fdt, int node, const char *name, uint32_t dflt);

/* Entry 'index' of the node's "reg" property, decoded with the parent's #address-cells
 * and #size-cells. Returns 0, or -1 if there is no such entry. */
int fdt_get_reg(const fdt_t *fdt, int node, int index, uint64_t *addr, uint64_t *size);

/* Read a big-endian value of 'cells' 32-bit cells (1 or 2) from a property value. */
uint64_t fdt_read_cells(const void *p, int cells);
