/*
 * The SOS console. See console.h.
 */
#include <string.h>
#include <serial/serial.h>
#include "console.h"
#include "system.h"

#define EDIT_MAX    256         /* longest line being typed */
#define LINES_SIZE  2048        /* completed lines not yet read */

static char edit[EDIT_MAX];
static size_t edit_len;

/* Completed lines, each ending in '\n', in a ring. */
static char lines[LINES_SIZE];
static size_t lines_head, lines_len;
static unsigned num_lines;

static void (*line_handler)(void);

void console_write(const char *buf, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n') {
            serial_send(buf + start, i - start);
            serial_send("\r\n", 2);
            start = i + 1;
        }
    }
    serial_send(buf + start, len - start);
}

static void finish_line(void)
{
    if (lines_len + edit_len + 1 > LINES_SIZE) {
        console_write("\n[console: input dropped]\n", 26);
        edit_len = 0;
        return;
    }
    edit[edit_len++] = '\n';
    for (size_t i = 0; i < edit_len; i++) {
        lines[(lines_head + lines_len + i) % LINES_SIZE] = edit[i];
    }
    lines_len += edit_len;
    num_lines++;
    edit_len = 0;
    if (line_handler != NULL) {
        line_handler();
    }
}

/* One received character: the line discipline. */
static void on_char(char c, void *data)
{
    (void)data;
    if (c == '\r' || c == '\n') {
        console_write("\n", 1);
        finish_line();
    } else if (c == 0x7f || c == '\b') {
        if (edit_len > 0) {
            edit_len--;
            console_write("\b \b", 3);
        }
    } else if ((unsigned char)c >= ' ' && edit_len < EDIT_MAX - 1) {
        edit[edit_len++] = c;
        console_write(&c, 1);
    }
}

bool console_has_line(void)
{
    return num_lines > 0;
}

size_t console_read_line(char *buf, size_t max)
{
    size_t n = 0;
    while (num_lines > 0 && n < max) {
        char c = lines[lines_head];
        lines_head = (lines_head + 1) % LINES_SIZE;
        lines_len--;
        buf[n++] = c;
        if (c == '\n') {
            num_lines--;
            break;
        }
    }
    return n;
}

void console_set_line_handler(void (*handler)(void))
{
    line_handler = handler;
}

int console_init(seL4_CPtr notification)
{
    void *uart = root_env_map_device(&sos_env, SERIAL_PADDR);
    seL4_CPtr irq = cspace_alloc_slot(&sos_env.cspace);
    if (uart == NULL || irq == seL4_CapNull ||
        cspace_irq_control_get(&sos_env.cspace, irq, seL4_CapIRQControl, SERIAL_IRQ, 0) !=
            seL4_NoError ||
        serial_init(uart, irq, notification) != SERIAL_OK) {
        return -1;
    }
    serial_register_handler(on_char, NULL);
    return 0;
}

void console_irq(void)
{
    serial_irq();
}
