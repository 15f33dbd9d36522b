/*
 * GICv2 interrupt controller: distributor (shared interrupts, SPIs 32+, and the
 * per-CPU banked SGIs/PPIs 0-31) and the CPU interface (acknowledge / end of interrupt).
 * Single core: every SPI targets CPU 0.
 */
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <arch/traps.h>
#include <plat/platform.h>

/* Distributor registers */
#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_IGROUPR     0x080
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ICPENDR     0x280
#define GICD_ICACTIVER   0x380
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800
#define GICD_ICFGR       0xc00

/* CPU interface registers */
#define GICC_CTLR        0x000
#define GICC_PMR         0x004
#define GICC_BPR         0x008
#define GICC_IAR         0x00c
#define GICC_EOIR        0x010

#define INTID_MASK       0x3ff
#define INTID_SPURIOUS   1020       /* 1020..1023: no interrupt to acknowledge */
#define FIRST_SPI        32
#define DEFAULT_PRIORITY 0xa0a0a0a0u    /* same priority for all: no nesting anyway */

static word_t num_lines;            /* interrupt IDs the distributor implements */

static void gicd_write(word_t reg, uint32_t v) { mmio_write32(GICD_VADDR + reg, v); }
static uint32_t gicd_read(word_t reg) { return mmio_read32(GICD_VADDR + reg); }
static void gicc_write(word_t reg, uint32_t v) { mmio_write32(GICC_VADDR + reg, v); }

word_t plat_irq_num_lines(void) { return num_lines; }

void plat_irq_init(void)
{
    num_lines = ((gicd_read(GICD_TYPER) & 0x1f) + 1) * 32;

    gicd_write(GICD_CTLR, 0);
    for (word_t i = 0; i < num_lines; i += 32) {
        gicd_write(GICD_ICENABLER + i / 8, 0xffffffff);     /* all masked */
        gicd_write(GICD_ICPENDR + i / 8, 0xffffffff);
        gicd_write(GICD_ICACTIVER + i / 8, 0xffffffff);
        gicd_write(GICD_IGROUPR + i / 8, 0);                /* group 0: signalled as IRQ */
    }
    for (word_t i = 0; i < num_lines; i += 4)
        gicd_write(GICD_IPRIORITYR + i, DEFAULT_PRIORITY);
    for (word_t i = FIRST_SPI; i < num_lines; i += 4)
        gicd_write(GICD_ITARGETSR + i, 0x01010101);         /* CPU 0 */
    for (word_t i = FIRST_SPI; i < num_lines; i += 16)
        gicd_write(GICD_ICFGR + i / 4, 0);                  /* level-sensitive */
    gicd_write(GICD_CTLR, 1);

    gicc_write(GICC_PMR, 0xff);     /* let every priority through */
    gicc_write(GICC_BPR, 0);
    gicc_write(GICC_CTLR, 1);
}

static bool valid_irq(word_t irq) { return irq < num_lines; }

word_t plat_irq_get_pending(void)
{
    uint32_t iar = mmio_read32(GICC_VADDR + GICC_IAR);
    word_t irq = iar & INTID_MASK;
    /* Single core: SGIs come from CPU 0, so the IAR's CPU field is 0 and irq == iar. */
    return irq >= INTID_SPURIOUS ? IRQ_NONE : irq;
}

bool plat_irq_is_pending(void)
{
    return (read_sysreg(isr_el1) & (1u << 7)) != 0;     /* ISR_EL1.I */
}

void plat_irq_end(word_t irq)
{
    if (valid_irq(irq))
        gicc_write(GICC_EOIR, (uint32_t)irq);
}

void plat_irq_mask(word_t irq)
{
    if (valid_irq(irq))
        gicd_write(GICD_ICENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

void plat_irq_unmask(word_t irq)
{
    if (valid_irq(irq))
        gicd_write(GICD_ISENABLER + (irq / 32) * 4, 1u << (irq % 32));
}

/* Only SPIs can be reconfigured; SGIs are always edge, PPIs are fixed by the hardware. */
void plat_irq_set_edge_triggered(word_t irq, bool edge)
{
    if (!valid_irq(irq) || irq < FIRST_SPI)
        return;
    word_t reg = GICD_ICFGR + (irq / 16) * 4;
    uint32_t bit = 2u << ((irq % 16) * 2);
    uint32_t v = gicd_read(reg);
    gicd_write(reg, edge ? (v | bit) : (v & ~bit));
}

bool plat_irq_is_reserved(word_t irq)
{
    return irq == KERNEL_TIMER_IRQ;
}
