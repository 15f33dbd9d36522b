/*
 * The SOS console: the PL011 serial port, interrupt driven (libs/serial), with a line
 * discipline: typed characters are echoed and collected into lines (backspace edits)
 * which processes read one at a time.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sel4/sel4.h>

/* Map the UART, claim its IRQ and bind it to notification (a badged cap). 0 or -1. */
int console_init(seL4_CPtr notification);

/* The serial IRQ fired. */
void console_irq(void);

/* Write bytes ('\n' becomes "\r\n"). */
void console_write(const char *buf, size_t len);

/* Is a complete line waiting? */
bool console_has_line(void);

/* Take up to max bytes of the first complete line (with its '\n' if it fits). Returns
 * the number of bytes, 0 if no line is complete. */
size_t console_read_line(char *buf, size_t max);

/* Called whenever a line has been completed. */
void console_set_line_handler(void (*handler)(void));
