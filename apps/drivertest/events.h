/*
 * drivertest: one notification for all driver interrupts, told apart by badge, and the
 * event loop that hands them to the timer and serial drivers.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sel4/sel4.h>

#define EVENT_BADGE_TIMER  (1ul << 0)
#define EVENT_BADGE_SERIAL (1ul << 1)

/* A new cap to the event notification carrying `badge`; 0 after recording a failure. */
seL4_CPtr events_badged_cap(seL4_Word badge);

/* Claim the timer IRQ and start the timer driver on the event notification. */
bool timer_fixture_start(void);
/* Stop the driver and give the IRQ back. */
void timer_fixture_stop(void);

/* Dispatch driver interrupts until *done becomes true or timeout_us passes (measured by
 * a driver timeout). Returns *done. The timer driver must be running. */
bool events_run_until(const volatile bool *done, uint64_t timeout_us);

/* Dispatch driver interrupts for duration_us. */
void events_run_for(uint64_t duration_us);
