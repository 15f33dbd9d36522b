/*
 * libs/elf: check and load static AArch64 ELF64 executables.
 *
 * elf_load() walks the PT_LOAD segments page by page: for each page it asks the caller
 * for a zeroed frame it can write (alloc_page), copies the segment's file bytes into it
 * (the rest stays zero: bss), and then has the caller map it into the target VSpace
 * (map_page) with the segment's permissions: PF_W gives seL4_ReadWrite, otherwise
 * read-only (seL4_CanRead); without PF_X the attributes include seL4_ARM_ExecuteNever.
 * Pages that hold only bss are left out unless map_bss is set (a pager can supply
 * them on first touch). Segments may not share a page.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sel4/sel4.h>

/* ELF64 file header and program header (the fields we use are named as in the spec). */
typedef struct elf64_ehdr {
    unsigned char e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
} elf64_ehdr_t;

typedef struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
} elf64_phdr_t;

#define ELF_PT_LOAD 1
#define ELF_PF_X    1
#define ELF_PF_W    2
#define ELF_PF_R    4

/* Error codes of the int functions (0 is success). */
#define ELF_OK          0
#define ELF_ERR_FORMAT  (-1)    /* not a valid static AArch64 ELF64 executable */
#define ELF_ERR_LAYOUT  (-2)    /* segments overlap a page or leave the user range */
#define ELF_ERR_MEMORY  (-3)    /* a callback failed */

typedef struct elf_loader {
    /* Called once per PT_LOAD segment before its pages (may be NULL): the segment
     * covers [vaddr, vaddr + memsz). Return 0 to go on. */
    int (*segment)(void *cookie, seL4_Word vaddr, seL4_Word memsz, seL4_CapRights_t rights,
                   seL4_ARM_VMAttributes attrs);
    /* A zeroed frame for the page at vaddr: where the loader may write it, or NULL. */
    void *(*alloc_page)(void *cookie, seL4_Word vaddr);
    /* The page at vaddr is written: map it into the target. Return 0 on success. */
    int (*map_page)(void *cookie, seL4_Word vaddr, seL4_CapRights_t rights,
                    seL4_ARM_VMAttributes attrs);
    bool map_bss;
    void *cookie;
} elf_loader_t;

/* ELF_OK if file (size bytes) is a static AArch64 ELF64 executable we can load. */
int elf_check(const void *file, size_t size);

seL4_Word elf_entry(const void *file);

/* Load every PT_LOAD segment (see above). Returns ELF_OK or an ELF_ERR_*. */
int elf_load(const void *file, size_t size, const elf_loader_t *loader);
