/* PL011 UART registers (ARM PrimeCell UART r1p5): offsets and bits used by the driver. */
#pragma once

#include <stdint.h>

#define PL011_DR     0x000   /* data; bits 11:8 receive errors */
#define PL011_FR     0x018   /* flags */
#define PL011_LCR_H  0x02c   /* line control */
#define PL011_CR     0x030   /* control */
#define PL011_IFLS   0x034   /* FIFO interrupt levels */
#define PL011_IMSC   0x038   /* interrupt mask set/clear (1 = enabled) */
#define PL011_MIS    0x040   /* masked interrupt status */
#define PL011_ICR    0x044   /* interrupt clear */

#define PL011_DR_ERRORS   0xf00u      /* overrun, break, parity, framing */

#define PL011_FR_RXFE     (1u << 4)   /* receive FIFO empty */
#define PL011_FR_TXFF     (1u << 5)   /* transmit FIFO full */

#define PL011_LCR_H_FEN   (1u << 4)   /* FIFOs enabled */
#define PL011_LCR_H_WLEN8 (3u << 5)   /* 8 data bits */

#define PL011_CR_UARTEN   (1u << 0)
#define PL011_CR_TXE      (1u << 8)
#define PL011_CR_RXE      (1u << 9)

#define PL011_IFLS_TX_1_2 (2u << 0)   /* TX interrupt when FIFO at most half full */
#define PL011_IFLS_RX_1_8 (0u << 3)   /* RX interrupt when FIFO at least 1/8 full */

#define PL011_INT_RX      (1u << 4)   /* receive */
#define PL011_INT_TX      (1u << 5)   /* transmit */
#define PL011_INT_RT      (1u << 6)   /* receive timeout */
#define PL011_INT_ERRORS  (0xfu << 7) /* framing, parity, break, overrun */
#define PL011_INT_ALL     0x7ffu
