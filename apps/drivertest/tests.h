/*
 * drivertest: the tests (run in main.c's order) and what they share.
 */
#pragma once

#include <stdbool.h>
#include "harness.h"

/* Set by irq_delivery_badge: the timer IRQ reaches a notification. The driver tests
 * block on notifications and are skipped without it. */
extern bool timer_irq_delivery_works;

/* The PL011's registers, mapped on first use (NULL after recording a failure). */
void *drivertest_uart(void);

TEST(irq_get_out_of_range);
TEST(irq_get_kernel_timer);
TEST(irq_get_twice);
TEST(irq_get_trigger);
TEST(irq_get_occupied_destination);
TEST(irq_get_bad_depth);
TEST(irq_delivery_badge);
TEST(irq_ack_required);
TEST(irq_rebind_notification);
TEST(irq_clear);
TEST(irq_delete_handler);
TEST(irq_set_notification_bad_cap);

TEST(mapping_find_untyped);
TEST(mapping_device_frame);
TEST(mapping_creates_page_tables);

TEST(timer_get_time);
TEST(timer_deadline_order);
TEST(timer_periodic);
TEST(timer_callbacks_and_errors);
TEST(timer_stop);

TEST(serial_echo);
