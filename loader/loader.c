/*
 * keel-loader: unpacks the kernel, the root task and the DTB it carries and enters the
 * kernel the way ABI.md (h) describes (the same hand-over as seL4's elfloader):
 *
 *   kernel     at its ELF physical addresses (p_paddr), .bss zeroed;
 *   root task  at the next page after the kernel, its segments placed by virtual
 *              address (paddr = vaddr + pv_offset), gaps and .bss zeroed;
 *   DTB        at the next page after the root task;
 *
 * then MMU on (mmu.c) and a jump to the kernel entry with x0..x5 =
 * ui_p_start, ui_p_end, pv_offset, ui_v_entry, dtb_paddr, dtb_size.
 */
#include <keel/kernel.h>
#include <lib/fdt.h>
#include <arch/machine.h>
#include "elf.h"
#include "loader.h"

NORETURN static void fail(const char *what, const char *why)
{
    kprintf("keel-loader: %s: %s\n", what, why);
    for (;;)
        wfi();
}

static elf_image_t open_payload(const char *what, const uint8_t *start, const uint8_t *end)
{
    elf_image_t img;
    const char *err = elf_open(&img, start, (size_t)(end - start));
    if (err != NULL)
        fail(what, err);
    return img;
}

/* Copy each loadable segment to (its address + offset); zero the rest of its memsz. */
static void load_segments(const elf_image_t *img, bool by_paddr, sword_t offset)
{
    for (int i = 0; i < elf_num_phdrs(img); i++) {
        const elf64_phdr_t *ph = elf_phdr(img, i);
        if (ph->p_type != PT_LOAD || ph->p_memsz == 0)
            continue;
        uint8_t *dst = (uint8_t *)(uintptr_t)((by_paddr ? ph->p_paddr : ph->p_vaddr) + offset);
        memcpy(dst, img->data + ph->p_offset, ph->p_filesz);
        memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
    }
}

/* The RAM region of the DTB that contains 'addr', as [*start, *end). */
static void find_ram(const fdt_t *fdt, paddr_t addr, paddr_t *start, paddr_t *end)
{
    *start = *end = 0;
    for (int node = fdt_find_node(fdt, -1, "memory"); node >= 0;
         node = fdt_find_node(fdt, node, "memory")) {
        uint64_t base, size;
        for (int i = 0; fdt_get_reg(fdt, node, i, &base, &size) == 0; i++) {
            if (addr >= base && addr - base < size) {
                *start = base;
                *end = base + size;
                return;
            }
        }
    }
}

/* Copy the used part of the DTB and make its header say so (totalsize, big-endian). */
static void copy_dtb(paddr_t dst, uint32_t bytes)
{
    uint8_t *d = (uint8_t *)dst;
    memcpy(d, payload_dtb, bytes);
    d[4] = (uint8_t)(bytes >> 24);
    d[5] = (uint8_t)(bytes >> 16);
    d[6] = (uint8_t)(bytes >> 8);
    d[7] = (uint8_t)bytes;
}

void loader_main(void);

void loader_main(void)
{
    elf_image_t kernel = open_payload("kernel", payload_kernel, payload_kernel_end);
    elf_image_t root = open_payload("root task", payload_roottask, payload_roottask_end);
    size_t dtb_size = (size_t)(payload_dtb_end - payload_dtb);
    fdt_t fdt;
    if (fdt_init(&fdt, payload_dtb, dtb_size) != 0)
        fail("DTB", "not a valid device tree");

    /* Where everything goes. */
    paddr_t ui_p_start = ROUND_UP(kernel.pend, PAGE_BITS);
    vaddr_t ui_v_start = ROUND_DOWN(root.vstart, PAGE_BITS);
    vaddr_t ui_v_end = ROUND_UP(root.vend, PAGE_BITS);
    paddr_t ui_p_end = ui_p_start + (ui_v_end - ui_v_start);
    sword_t pv_offset = (sword_t)(ui_p_start - ui_v_start);
    paddr_t dtb_paddr = ui_p_end;
    uint32_t dtb_bytes = fdt_used_size(&fdt);      /* without QEMU's padding */
    paddr_t images_end = dtb_paddr + ROUND_UP(dtb_bytes, PAGE_BITS);

    /* Everything must fit in RAM below the loader itself. */
    paddr_t ram_start, ram_end;
    find_ram(&fdt, kernel.pstart, &ram_start, &ram_end);
    if (ram_end == 0)
        fail("kernel", "its physical address is not in RAM");
    if (images_end > (paddr_t)loader_start || images_end > ram_end)
        fail("images", "do not fit between the kernel's address and the loader");
    if (kernel.vstart - kernel.pstart != kernel.vend - kernel.pend)
        fail("kernel", "segments are not at one virtual-physical offset");

    mmu_enable(kernel.vstart, kernel.pstart);

    load_segments(&kernel, true, 0);
    memset((void *)ui_p_start, 0, ui_p_end - ui_p_start);
    load_segments(&root, false, pv_offset);
    copy_dtb(dtb_paddr, dtb_bytes);
    cache_sync_for_execution(kernel.pstart, images_end);

    kprintf("keel-loader: kernel %lx-%lx, root task %lx-%lx (vaddr %lx) entry %lx, dtb %lx\n",
            kernel.pstart, kernel.pend, ui_p_start, ui_p_end, ui_v_start, root.entry,
            dtb_paddr);
    enter_kernel(ui_p_start, ui_p_end, (word_t)pv_offset, root.entry, dtb_paddr,
                 dtb_bytes, kernel.entry);
}
