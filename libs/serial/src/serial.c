/*
 * PL011 driver: interrupt-driven receive, ring-buffered transmit. See <serial/serial.h>.
 */
#include <stdbool.h>
#include <stdint.h>
#include <serial/serial.h>
#include "pl011.h"

static struct {
    volatile uint32_t *regs;        /* NULL until serial_init */
    seL4_IRQHandler irq_handler;
    serial_handler_t handler;
    void *handler_data;
    /* transmit ring: bytes [tx_head, tx_tail) modulo the size are waiting */
    char tx_ring[SERIAL_TX_BUFFER_SIZE];
    size_t tx_head;
    size_t tx_tail;
    serial_stats_t stats;
} uart;

/* ---- register access -------------------------------------------------------------------- */

static uint32_t reg_read(unsigned offset)
{
    return uart.regs[offset / sizeof(uint32_t)];
}

static void reg_write(unsigned offset, uint32_t value)
{
    uart.regs[offset / sizeof(uint32_t)] = value;
}

static void set_interrupt_enabled(uint32_t bits, bool enabled)
{
    uint32_t mask = reg_read(PL011_IMSC);
    reg_write(PL011_IMSC, enabled ? (mask | bits) : (mask & ~bits));
}

/* ---- transmit ------------------------------------------------------------------------------ */

static size_t tx_used(void)
{
    return uart.tx_tail - uart.tx_head;
}

static bool tx_ring_full(void)
{
    return tx_used() == SERIAL_TX_BUFFER_SIZE;
}

/* Move bytes from the ring into the hardware FIFO while it has room. */
static void tx_pump(void)
{
    while (tx_used() > 0 && !(reg_read(PL011_FR) & PL011_FR_TXFF)) {
        reg_write(PL011_DR, (uint8_t)uart.tx_ring[uart.tx_head % SERIAL_TX_BUFFER_SIZE]);
        uart.tx_head++;
        uart.stats.tx_chars++;
    }
    /* The TX interrupt is only wanted while bytes are waiting for FIFO space. */
    set_interrupt_enabled(PL011_INT_TX, tx_used() > 0);
}

int serial_send(const char *buf, size_t len)
{
    if (uart.regs == NULL) {
        return SERIAL_ERR_NOT_INIT;
    }
    for (size_t i = 0; i < len; i++) {
        while (tx_ring_full()) {
            tx_pump();          /* spins until the FIFO takes a byte */
        }
        uart.tx_ring[uart.tx_tail % SERIAL_TX_BUFFER_SIZE] = buf[i];
        uart.tx_tail++;
    }
    tx_pump();
    return (int)len;
}

void serial_flush(void)
{
    while (uart.regs != NULL && tx_used() > 0) {
        tx_pump();
    }
}

/* ---- receive ------------------------------------------------------------------------------- */

static void rx_drain(void)
{
    while (!(reg_read(PL011_FR) & PL011_FR_RXFE)) {
        uint32_t data = reg_read(PL011_DR);
        if (data & PL011_DR_ERRORS) {
            uart.stats.rx_errors++;
            continue;
        }
        uart.stats.rx_chars++;
        if (uart.handler != NULL) {
            uart.handler((char)(data & 0xff), uart.handler_data);
        }
    }
}

int serial_register_handler(serial_handler_t handler, void *data)
{
    if (uart.regs == NULL) {
        return SERIAL_ERR_NOT_INIT;
    }
    uart.handler = handler;
    uart.handler_data = data;
    return SERIAL_OK;
}

void serial_irq(void)
{
    if (uart.regs == NULL) {
        return;
    }
    uart.stats.irqs++;
    uint32_t pending = reg_read(PL011_MIS);
    reg_write(PL011_ICR, pending & (PL011_INT_RX | PL011_INT_RT | PL011_INT_ERRORS | PL011_INT_TX));
    rx_drain();
    tx_pump();
    seL4_IRQHandler_Ack(uart.irq_handler);
}

/* ---- set-up ------------------------------------------------------------------------------- */

/* 8N1 with FIFOs; interrupts for received data (and receive timeout) only. The baud rate
 * is left as the firmware/kernel set it, and the UART is not disabled on the way, so the
 * kernel's own output is not disturbed. */
static void configure_hardware(void)
{
    reg_write(PL011_IMSC, 0);
    reg_write(PL011_ICR, PL011_INT_ALL);
    uint32_t lcr = PL011_LCR_H_WLEN8 | PL011_LCR_H_FEN;
    if (reg_read(PL011_LCR_H) != lcr) {
        reg_write(PL011_LCR_H, lcr);
    }
    reg_write(PL011_IFLS, PL011_IFLS_TX_1_2 | PL011_IFLS_RX_1_8);
    reg_write(PL011_CR, reg_read(PL011_CR) | PL011_CR_UARTEN | PL011_CR_TXE | PL011_CR_RXE);
    reg_write(PL011_IMSC, PL011_INT_RX | PL011_INT_RT);
}

int serial_init(void *uart_vaddr, seL4_IRQHandler irq_handler, seL4_CPtr notification)
{
    uart.regs = uart_vaddr;
    uart.irq_handler = irq_handler;
    uart.handler = NULL;
    uart.tx_head = uart.tx_tail = 0;
    uart.stats = (serial_stats_t){ 0 };
    configure_hardware();

    if (notification != seL4_CapNull &&
        seL4_IRQHandler_SetNotification(irq_handler, notification) != seL4_NoError) {
        return SERIAL_ERR_KERNEL;
    }
    if (seL4_IRQHandler_Ack(irq_handler) != seL4_NoError) {
        return SERIAL_ERR_KERNEL;
    }
    return SERIAL_OK;
}

serial_stats_t serial_get_stats(void)
{
    return uart.stats;
}
