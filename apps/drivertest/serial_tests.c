/*
 * libs/serial: interrupt-driven receive and buffered transmit. The test runner types
 * "hello keel\r" after it sees SERIAL_PROMPT; every received character is echoed back.
 */
#include <stdio.h>
#include <string.h>
#include <serial/serial.h>
#include <timer/timer.h>
#include "events.h"
#include "harness.h"
#include "tests.h"

#define SERIAL_PROMPT     "drivertest: type something\n"
#define EXPECTED_INPUT    "hello keel"
#define INPUT_TIMEOUT_US  15000000
#define LINE_MAX          64

static char line[LINE_MAX];
static size_t line_len;
static volatile bool line_done;

/* Receive handler: collect one line and echo it. */
static void on_char(char c, void *data)
{
    (void)data;
    if (line_done) {
        return;
    }
    if (c == '\r' || c == '\n') {
        line_done = true;
        serial_send("\r\n", 2);
        return;
    }
    if (line_len < LINE_MAX - 1) {
        line[line_len++] = c;
        line[line_len] = '\0';
    }
    serial_send(&c, 1);
}

static bool serial_setup(seL4_CPtr *handler)
{
    void *regs = drivertest_uart();
    if (regs == NULL) {
        return false;
    }
    seL4_CPtr badged = events_badged_cap(EVENT_BADGE_SERIAL);
    if (badged == seL4_CapNull) {
        return false;
    }
    seL4_Error err = env_irq_get(SERIAL_IRQ, handler);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "IRQControl_Get(%d): %s", SERIAL_IRQ, error_name(err));
        return false;
    }
    if (serial_init(regs, *handler, badged) != SERIAL_OK) {
        test_fail_at(__FILE__, __LINE__, "serial_init failed");
        return false;
    }
    serial_register_handler(on_char, NULL);
    return true;
}

static void serial_echo_body(seL4_CPtr *handler)
{
    TRY(serial_setup(handler));
    line_len = 0;
    line[0] = '\0';
    line_done = false;

    CHECK_EQ(serial_send(SERIAL_PROMPT, strlen(SERIAL_PROMPT)), strlen(SERIAL_PROMPT));
    serial_flush();
    bool got_line = events_run_until(&line_done, INPUT_TIMEOUT_US);
    serial_flush();
    if (!got_line) {
        FAIL("no complete line within %d s (got \"%s\", %lu chars)", INPUT_TIMEOUT_US / 1000000,
             line, serial_get_stats().rx_chars);
    }
    if (strcmp(line, EXPECTED_INPUT) != 0) {
        FAIL("received \"%s\", want \"%s\"", line, EXPECTED_INPUT);
    }
    serial_stats_t stats = serial_get_stats();
    CHECK(stats.irqs > 0);
    CHECK_EQ(stats.rx_errors, 0);
    CHECK(stats.tx_chars >= strlen(SERIAL_PROMPT) + strlen(EXPECTED_INPUT));
}

TEST(serial_echo)
{
    seL4_CPtr handler = seL4_CapNull;
    if (!timer_irq_delivery_works) {
        FAIL("skipped: the timer IRQ (used for the time-out) is not delivered");
    }
    if (!timer_fixture_start()) {
        return;
    }
    serial_echo_body(&handler);
    timer_fixture_stop();
    if (handler != seL4_CapNull) {
        env_delete(handler);
    }
}
