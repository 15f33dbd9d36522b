/*
 * drivertest: a root task testing user-level interrupt handling (IRQControl,
 * IRQHandler) and the timer, serial and mapping libraries.
 *
 * Needs the kernel built with CONFIG_EXPORT_PTIMER_USER=1 (EL0 access to the physical
 * timer and counter); apps/drivertest/app.mk builds such a kernel for its image.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "harness.h"
#include "tests.h"

const char *__keel_progname = "drivertest";

static const test_case_t tests[] = {
    /* IRQControl with bad arguments: nothing here needs the timer. */
    TEST_CASE(irq_get_out_of_range),
    TEST_CASE(irq_get_kernel_timer),
    TEST_CASE(irq_get_twice),
    TEST_CASE(irq_get_trigger),
    TEST_CASE(irq_get_occupied_destination),
    TEST_CASE(irq_get_bad_depth),
    /* libs/mapping */
    TEST_CASE(mapping_find_untyped),
    TEST_CASE(mapping_device_frame),
    TEST_CASE(mapping_creates_page_tables),
    /* Delivery, driven by the physical timer. */
    TEST_CASE(irq_delivery_badge),
    TEST_CASE(irq_ack_required),
    TEST_CASE(irq_rebind_notification),
    TEST_CASE(irq_clear),
    TEST_CASE(irq_delete_handler),
    TEST_CASE(irq_set_notification_bad_cap),
    /* Drivers */
    TEST_CASE(timer_get_time),
    TEST_CASE(timer_deadline_order),
    TEST_CASE(timer_periodic),
    TEST_CASE(timer_callbacks_and_errors),
    TEST_CASE(timer_stop),
    TEST_CASE(serial_echo),
};

int main(void)
{
    env_init(seL4_GetBootInfo());
    printf("drivertest: %u tests\n", (unsigned)(sizeof(tests) / sizeof(tests[0])));
    unsigned failed = run_tests(tests, sizeof(tests) / sizeof(tests[0]));
    printf("drivertest: %u failed\n", failed);
    printf("[test] all done\n");
    seL4_DebugHalt();           /* QEMU exits (status 0) instead of idling */
    return 0;
}
