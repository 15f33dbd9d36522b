/*
 * CPIO "newc" archive reader. See <cpio/cpio.h>.
 */
#include <string.h>
#include <cpio/cpio.h>

#define HEADER_SIZE   110
#define FIELD_DIGITS  8
#define MAGIC         "070701"
#define TRAILER       "TRAILER!!!"

/* Header fields in order after the magic. */
enum {
    F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
    F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
};

/* Field number f of the header at h; false if it is not 8 hex digits. */
static bool field(const char *h, int f, unsigned long *value)
{
    const char *p = h + 6 + f * FIELD_DIGITS;
    unsigned long v = 0;
    for (int i = 0; i < FIELD_DIGITS; i++) {
        char c = p[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else if (c >= 'A' && c <= 'F') {
            d = (unsigned)(c - 'A' + 10);
        } else {
            return false;
        }
        v = (v << 4) | d;
    }
    *value = v;
    return true;
}

/* Sizes are padded to 4 bytes, counted from the member's header (itself 4-aligned
 * relative to the archive's start), so no alignment of the archive is assumed. */
static size_t align4(size_t x)
{
    return (x + 3) & ~(size_t)3;
}

const void *cpio_next(const void *entry, const void *end, cpio_file_t *file)
{
    const char *h = entry;
    const char *limit = end;
    unsigned long namesize, filesize, mode;

    if ((limit != NULL && (size_t)(limit - h) < HEADER_SIZE) || memcmp(h, MAGIC, 6) != 0 ||
        !field(h, F_NAMESIZE, &namesize) || !field(h, F_FILESIZE, &filesize) ||
        !field(h, F_MODE, &mode) || namesize == 0) {
        return NULL;
    }
    const char *name = h + HEADER_SIZE;
    size_t data_off = align4(HEADER_SIZE + namesize);
    size_t next_off = data_off + align4(filesize);
    if (limit != NULL && (size_t)(limit - h) < next_off) {
        return NULL;
    }
    const char *data = h + data_off;
    const char *next = h + next_off;
    if (name[namesize - 1] != '\0' || strcmp(name, TRAILER) == 0) {
        return NULL;
    }
    file->name = name;
    file->data = data;
    file->size = filesize;
    file->mode = mode;
    return next;
}

bool cpio_get_entry(const void *archive, const void *end, size_t index, cpio_file_t *file)
{
    const void *p = archive;
    for (size_t i = 0; p != NULL; i++) {
        p = cpio_next(p, end, file);
        if (p != NULL && i == index) {
            return true;
        }
    }
    return false;
}

const void *cpio_get_file(const void *archive, const char *name, size_t *size)
{
    cpio_file_t f;
    for (const void *p = cpio_next(archive, NULL, &f); p != NULL; p = cpio_next(p, NULL, &f)) {
        if (strcmp(f.name, name) == 0) {
            if (size != NULL) {
                *size = f.size;
            }
            return f.data;
        }
    }
    return NULL;
}
