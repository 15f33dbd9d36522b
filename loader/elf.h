/* The few ELF64 structures the loader reads (see the System V ABI / ELF specification). */
#pragma once

#include <keel/types.h>

#define ELF_MAGIC     0x464c457fu      /* "\x7fELF" as a little-endian word */
#define ELFCLASS64    2
#define ELFDATA2LSB   1
#define ET_EXEC       2
#define EM_AARCH64    183
#define PT_LOAD       1

typedef struct {
    uint8_t  e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version;
    uint64_t e_entry, e_phoff, e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
} elf64_ehdr_t;

typedef struct {
    uint32_t p_type, p_flags;
    uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
} elf64_phdr_t;

/* An ELF image in memory and the extent of its loadable segments. */
typedef struct {
    const uint8_t *data;
    size_t         size;
    uint64_t       entry;
    uint64_t       vstart, vend;     /* lowest and highest virtual address (end exclusive) */
    uint64_t       pstart, pend;     /* the same for physical addresses */
} elf_image_t;

/* Check the header and compute the extents; returns NULL or what is wrong. */
const char *elf_open(elf_image_t *img, const void *data, size_t size);
/* Number of program headers and the i-th one. */
int elf_num_phdrs(const elf_image_t *img);
const elf64_phdr_t *elf_phdr(const elf_image_t *img, int i);
