/*
 * ELF64 loader. See <elf/elf.h>.
 */
#include <string.h>
#include <elf/elf.h>

#define PAGE_SIZE   (1ul << seL4_PageBits)
#define PAGE_MASK   (PAGE_SIZE - 1)

#define EI_CLASS        4
#define EI_DATA         5
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define ET_EXEC         2
#define EM_AARCH64      183

static const elf64_phdr_t *phdr(const void *file, unsigned i)
{
    const elf64_ehdr_t *eh = file;
    return (const elf64_phdr_t *)((const char *)file + eh->e_phoff + (size_t)i * eh->e_phentsize);
}

int elf_check(const void *file, size_t size)
{
    const elf64_ehdr_t *eh = file;
    if (size < sizeof(*eh) || memcmp(eh->e_ident, "\177ELF", 4) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_type != ET_EXEC || eh->e_machine != EM_AARCH64 ||
        eh->e_phentsize < sizeof(elf64_phdr_t) || eh->e_phoff > size ||
        (size - eh->e_phoff) / eh->e_phentsize < eh->e_phnum) {
        return ELF_ERR_FORMAT;
    }
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const elf64_phdr_t *ph = phdr(file, i);
        if (ph->p_type != ELF_PT_LOAD) {
            continue;
        }
        if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
            size - ph->p_offset < ph->p_filesz) {
            return ELF_ERR_FORMAT;
        }
    }
    return ELF_OK;
}

seL4_Word elf_entry(const void *file)
{
    return ((const elf64_ehdr_t *)file)->e_entry;
}

static void segment_perms(const elf64_phdr_t *ph, seL4_CapRights_t *rights,
                          seL4_ARM_VMAttributes *attrs)
{
    *rights = (ph->p_flags & ELF_PF_W) ? seL4_ReadWrite : seL4_CanRead;
    *attrs = seL4_ARM_Default_VMAttributes;
    if (!(ph->p_flags & ELF_PF_X)) {
        *attrs |= seL4_ARM_ExecuteNever;
    }
}

/* Load the pages of one segment. */
static int load_segment(const char *file, const elf64_phdr_t *ph, const elf_loader_t *l)
{
    seL4_CapRights_t rights;
    seL4_ARM_VMAttributes attrs;
    segment_perms(ph, &rights, &attrs);

    seL4_Word start = ph->p_vaddr;
    seL4_Word file_end = start + ph->p_filesz;          /* file bytes end here */
    seL4_Word end = start + ph->p_memsz;
    seL4_Word last = l->map_bss ? end : file_end;       /* map pages up to here */

    if (l->segment != NULL && l->segment(l->cookie, start, ph->p_memsz, rights, attrs) != 0) {
        return ELF_ERR_MEMORY;
    }
    for (seL4_Word page = start & ~PAGE_MASK; page < last; page += PAGE_SIZE) {
        char *dst = l->alloc_page(l->cookie, page);
        if (dst == NULL) {
            return ELF_ERR_MEMORY;
        }
        /* The part of this page holding file bytes: [from, to). */
        seL4_Word from = page > start ? page : start;
        seL4_Word to = page + PAGE_SIZE < file_end ? page + PAGE_SIZE : file_end;
        if (from < to) {
            memcpy(dst + (from - page), file + ph->p_offset + (from - start), to - from);
        }
        if (l->map_page(l->cookie, page, rights, attrs) != 0) {
            return ELF_ERR_MEMORY;
        }
    }
    return ELF_OK;
}

int elf_load(const void *file, size_t size, const elf_loader_t *loader)
{
    int err = elf_check(file, size);
    if (err != ELF_OK) {
        return err;
    }
    const elf64_ehdr_t *eh = file;
    seL4_Word prev_end = 0;         /* first page after the previous segment */

    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const elf64_phdr_t *ph = phdr(file, i);
        if (ph->p_type != ELF_PT_LOAD || ph->p_memsz == 0) {
            continue;
        }
        seL4_Word first = ph->p_vaddr & ~PAGE_MASK;
        seL4_Word end = ph->p_vaddr + ph->p_memsz;
        if (end < ph->p_vaddr || end > seL4_UserTop || first < prev_end) {
            return ELF_ERR_LAYOUT;
        }
        prev_end = (end + PAGE_MASK) & ~PAGE_MASK;
        err = load_segment(file, ph, loader);
        if (err != ELF_OK) {
            return err;
        }
    }
    return ELF_OK;
}
