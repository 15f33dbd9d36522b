/*
 * PL011 UART: the kernel console. Polled transmit only; QEMU has already configured the
 * line, and user-level drivers take over the UART for input (it is in a device untyped).
 */
#include <keel/arch_api.h>
#include <arch/machine.h>
#include <plat/platform.h>

#define UART_DR     0x000       /* data */
#define UART_FR     0x018       /* flags */
#define UART_CR     0x030       /* control */
#define FR_TXFF     (1u << 5)   /* transmit FIFO full */
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)

/* The UART is only mapped once the kernel's own tables are in place. Until then (and in
 * an early panic) characters are dropped instead of faulting. */
static bool console_ready;

void plat_console_init(void)
{
    uint32_t cr = mmio_read32(PL011_VADDR + UART_CR);
    mmio_write32(PL011_VADDR + UART_CR, cr | CR_UARTEN | CR_TXE | CR_RXE);
    console_ready = true;
}

void plat_console_putchar(char c)
{
    if (!console_ready)
        return;
    while (mmio_read32(PL011_VADDR + UART_FR) & FR_TXFF)
        ;
    mmio_write32(PL011_VADDR + UART_DR, (uint8_t)c);
}
