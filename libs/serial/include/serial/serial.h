/*
 * libs/serial: interrupt-driven user-level driver for the PL011 UART of QEMU virt.
 *
 * The caller maps the UART's page (SERIAL_PADDR) as a device frame, uncached (for
 * example with libs/mapping's map_device_frame), claims its interrupt (SERIAL_IRQ) with
 * seL4_IRQControl_Get, and calls serial_irq() whenever the notification fires.
 * Received characters go to the registered handler; transmission is buffered in a ring
 * drained into the hardware FIFO (by the TX interrupt, or by polling when the ring is
 * full). The kernel prints on the same UART by polling, which does not disturb this.
 * Not thread-safe: use it from one thread.
 */
#pragma once

#include <stddef.h>
#include <sel4/sel4.h>

#define SERIAL_PADDR  0x09000000ul   /* PL011 registers (one 4 KiB page) */
#define SERIAL_IRQ    33             /* SPI 1, level-high */

#define SERIAL_TX_BUFFER_SIZE 1024

#define SERIAL_OK            0
#define SERIAL_ERR_KERNEL   (-1)
#define SERIAL_ERR_NOT_INIT (-2)

/* Called once for every received character. */
typedef void (*serial_handler_t)(char c, void *data);

/*
 * Set the UART at uart_vaddr up for 8N1 with FIFOs and receive interrupts, bind
 * irq_handler to notification (skipped if notification is seL4_CapNull) and Ack it.
 * Returns SERIAL_OK or SERIAL_ERR_KERNEL.
 */
int serial_init(void *uart_vaddr, seL4_IRQHandler irq_handler, seL4_CPtr notification);

/* Queue len bytes for transmission; waits (polling the FIFO) only while the ring is
 * full. Returns the number of bytes queued (len), or SERIAL_ERR_NOT_INIT. */
int serial_send(const char *buf, size_t len);

/* Set the receive handler (NULL: received characters are dropped). */
int serial_register_handler(serial_handler_t handler, void *data);

/* Call when the notification fires: receives into the handler, refills the transmit
 * FIFO, clears the UART's interrupts and Acks the IRQ. */
void serial_irq(void);

/* Wait (polling) until everything queued has been handed to the hardware. */
void serial_flush(void);

/* Counters for diagnostics. */
typedef struct serial_stats {
    unsigned long rx_chars;
    unsigned long rx_errors;      /* framing/parity/break/overrun */
    unsigned long tx_chars;
    unsigned long irqs;
} serial_stats_t;

serial_stats_t serial_get_stats(void);
