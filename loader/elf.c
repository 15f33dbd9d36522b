/* Reading ELF64 executables embedded in the loader. */
#include <keel/kernel.h>
#include "elf.h"

int elf_num_phdrs(const elf_image_t *img)
{
    return ((const elf64_ehdr_t *)img->data)->e_phnum;
}

const elf64_phdr_t *elf_phdr(const elf_image_t *img, int i)
{
    const elf64_ehdr_t *eh = (const elf64_ehdr_t *)img->data;
    return (const elf64_phdr_t *)(img->data + eh->e_phoff + (uint64_t)i * eh->e_phentsize);
}

static const char *check_header(const uint8_t *data, size_t size)
{
    const elf64_ehdr_t *eh = (const elf64_ehdr_t *)data;

    if (size < sizeof(*eh) || data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' ||
        data[3] != 'F')
        return "not an ELF file";
    if (data[4] != ELFCLASS64 || data[5] != ELFDATA2LSB)
        return "not a little-endian ELF64 file";
    if (eh->e_type != ET_EXEC || eh->e_machine != EM_AARCH64)
        return "not an AArch64 executable";
    if (eh->e_phentsize < sizeof(elf64_phdr_t) || eh->e_phoff > size ||
        (uint64_t)eh->e_phnum * eh->e_phentsize > size - eh->e_phoff)
        return "program headers out of bounds";
    return NULL;
}

const char *elf_open(elf_image_t *img, const void *data, size_t size)
{
    const char *err = check_header(data, size);
    if (err != NULL)
        return err;

    *img = (elf_image_t){ .data = data, .size = size,
                          .entry = ((const elf64_ehdr_t *)data)->e_entry,
                          .vstart = ~0ull, .pstart = ~0ull };
    for (int i = 0; i < elf_num_phdrs(img); i++) {
        const elf64_phdr_t *ph = elf_phdr(img, i);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        if (ph->p_filesz > ph->p_memsz || ph->p_offset > size ||
            ph->p_filesz > size - ph->p_offset)
            return "segment out of bounds";
        img->vstart = MIN(img->vstart, ph->p_vaddr);
        img->vend = MAX(img->vend, ph->p_vaddr + ph->p_memsz);
        img->pstart = MIN(img->pstart, ph->p_paddr);
        img->pend = MAX(img->pend, ph->p_paddr + ph->p_memsz);
    }
    if (img->vstart == ~0ull)
        return "no loadable segments";
    return NULL;
}
