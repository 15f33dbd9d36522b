/*
 * libs/cpio: read a CPIO archive in the "newc" format (cpio -o -H newc) held in memory.
 *
 * Each member is a 110-byte ASCII header (magic "070701" and thirteen 8-digit hex
 * fields), its NUL-terminated name padded to a multiple of 4 bytes (counted from the
 * header's start), and its data padded the same way. A member named "TRAILER!!!" ends
 * the archive.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct cpio_file {
    const char *name;           /* NUL-terminated, inside the archive */
    const void *data;
    size_t size;
    unsigned long mode;         /* st_mode bits (type and permissions) */
} cpio_file_t;

/*
 * Parse the member at 'entry' (the archive's start for the first one) into *file and
 * return the address of the next member; NULL at the trailer or on a malformed header.
 * 'end' bounds the archive (NULL: trust the trailer).
 */
const void *cpio_next(const void *entry, const void *end, cpio_file_t *file);

/* The index-th member (0-based). Returns false past the last one. */
bool cpio_get_entry(const void *archive, const void *end, size_t index, cpio_file_t *file);

/* The data of the member called name, its size in *size; NULL if there is none. The
 * archive must end with a trailer. */
const void *cpio_get_file(const void *archive, const char *name, size_t *size);
