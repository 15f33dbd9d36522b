/*
 * Kernel bring-up on AArch64: from the loader's hand-over (head.S) to kernel_boot().
 *
 *  1. Read the RAM regions from the DTB the loader passed. The loader's TTBR1 maps the
 *     1 GiB region holding the kernel, which is where loaders put the DTB.
 *  2. Build and switch to the kernel's own tables (mmu.c); the console only works after.
 *  3. Configure the CPU, console, interrupt controller and timer.
 *  4. Describe the machine in a boot_args_t and call the core's kernel_boot().
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <lib/fdt.h>
#include <arch/machine.h>
#include <arch/traps.h>
#include <plat/platform.h>

#define KEEL_BANNER "Keel 0.1 (seL4 14.0.0-dev ABI, MCS, AArch64)"

static boot_args_t boot_args;
static fdt_t boot_fdt;

/* Is [paddr, paddr + size) inside the region the loader mapped for us? */
static bool loader_mapped(paddr_t paddr, word_t size)
{
    paddr_t start = paddr_of(ki_start);
    paddr_t end = ROUND_DOWN(start, HUGE_PAGE_BITS) + BIT(HUGE_PAGE_BITS);
    return paddr >= start && paddr < end && size <= end - paddr;
}

/* Parse the DTB; returns NULL (and says why) if it cannot be used. */
static const char *open_dtb(paddr_t dtb, word_t size)
{
    if (dtb == 0)
        return "the loader passed no DTB";
    if (!loader_mapped(dtb, 40))
        return "the DTB is outside the kernel's 1 GiB region";
    uint32_t total = fdt_total_size(pptr_of(dtb));
    if (total == 0)
        return "bad DTB magic";
    if (size == 0 || size > total)
        size = total;
    if (!loader_mapped(dtb, size))
        return "the DTB is outside the kernel's 1 GiB region";
    if (fdt_init(&boot_fdt, pptr_of(dtb), size) != 0)
        return "the DTB header is malformed";
    return NULL;
}

/* Append every "reg" entry of every /memory node to args->ram. */
static void find_ram(const fdt_t *fdt, boot_args_t *args)
{
    for (int node = fdt_find_node(fdt, -1, "memory"); node >= 0;
         node = fdt_find_node(fdt, node, "memory")) {
        uint64_t base, size;
        for (int i = 0; fdt_get_reg(fdt, node, i, &base, &size) == 0; i++) {
            if (size == 0 || base >= PADDR_TOP || args->num_ram == MAX_MEM_REGIONS)
                continue;
            uint64_t end = size > PADDR_TOP - base ? PADDR_TOP : base + size;
            args->ram[args->num_ram++] = (mem_region_t){ base, end };
        }
    }
}

static void configure_cpu(void)
{
    word_t sctlr = read_sysreg(sctlr_el1);
    sctlr |= SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SA | SCTLR_SA0 | SCTLR_UCI | SCTLR_UCT |
             SCTLR_DZE | SCTLR_NTWI | SCTLR_NTWE;
    sctlr &= ~(SCTLR_A | SCTLR_WXN);
    write_sysreg(sctlr_el1, sctlr);
    /* FP/SIMD usable at EL0 (the kernel never touches it: -mgeneral-regs-only). */
    write_sysreg(cpacr_el1, CPACR_FPEN_NONE_TRAPPED);
    write_sysreg(tpidr_el1, 0);
    isb();
}

static void print_boot_info(const boot_args_t *a)
{
    kprintf("%s\n", KEEL_BANNER);
    for (word_t i = 0; i < a->num_ram; i++)
        kprintf("keel: RAM [%lx, %lx) %lu MiB\n", a->ram[i].start, a->ram[i].end,
                (a->ram[i].end - a->ram[i].start) >> 20);
}

NORETURN void arch_init(paddr_t ui_p_start, paddr_t ui_p_end, sword_t pv_offset,
                        vaddr_t ui_v_entry, paddr_t dtb_paddr, word_t dtb_size);

NORETURN void arch_init(paddr_t ui_p_start, paddr_t ui_p_end, sword_t pv_offset,
                        vaddr_t ui_v_entry, paddr_t dtb_paddr, word_t dtb_size)
{
    boot_args_t *a = &boot_args;
    dtb_size &= 0xffffffff;                 /* ABI (h): only the low 32 bits count */

    /* First the CPU: whatever loader ran may have left alignment checks on. */
    configure_cpu();
    const char *dtb_problem = open_dtb(dtb_paddr, dtb_size);
    if (dtb_problem == NULL)
        find_ram(&boot_fdt, a);
    arch_map_kernel(a);
    plat_console_init();
    print_boot_info(a);

    if (dtb_problem != NULL)
        panic("cannot boot: %s (x4 = %lx, x5 = %lx)", dtb_problem, dtb_paddr, dtb_size);
    if (a->num_ram == 0)
        panic("cannot boot: no RAM in the DTB's /memory nodes");

    arch_halt_init(&boot_fdt);
    plat_irq_init();
    arch_timer_init();

    a->kernel_devices[0] = (mem_region_t){ GICD_PADDR, GICD_PADDR + PAGE_SIZE };
    a->kernel_devices[1] = (mem_region_t){ GICC_PADDR, GICC_PADDR + PAGE_SIZE };
    a->num_kernel_devices = 2;
    a->kernel_start = paddr_of(ki_start);
    a->kernel_end = paddr_of(ki_end);
    a->ui_start = ui_p_start;
    a->ui_end = ui_p_end;
    a->ui_pv_offset = pv_offset;
    a->ui_entry = ui_v_entry;
    a->dtb_start = dtb_paddr;
    a->dtb_size = boot_fdt.total_size;

    kernel_boot(a);
}
