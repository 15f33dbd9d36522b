/*
 * libs/timer: timeouts for a user-level driver on the ARM generic timer's EL1 physical
 * timer (CNTP_*), read and programmed from EL0. The kernel keeps the virtual timer.
 *
 * Needs the kernel built with CONFIG_EXPORT_PTIMER_USER (EL0 access to CNTPCT_EL0 and
 * CNTP_*_EL0); its interrupt is PPI 14 = GIC INTID 30 (TIMER_IRQ).
 *
 * Usage: claim INTID 30 with seL4_IRQControl_Get, start_timer(handler, notification),
 * and call timer_interrupt() whenever that notification is signalled. Callbacks run from
 * timer_interrupt(), in deadline order; they may register and remove timers.
 * The driver is not thread-safe: use it from one thread.
 */
#pragma once

#include <stdint.h>
#include <sel4/sel4.h>

/* GIC interrupt ID of the non-secure EL1 physical timer (PPI 14). */
#define TIMER_IRQ 30

/* Most timers registered at once (one-shot and periodic together). */
#define TIMER_MAX_TIMERS 256

/* Error codes (negative) returned by the int functions; 0 is success. */
#define TIMER_OK            0
#define TIMER_ERR_NOT_RUNNING (-1)
#define TIMER_ERR_NO_SUCH   (-2)
#define TIMER_ERR_KERNEL    (-3)
#define TIMER_ERR_RUNNING   (-4)

typedef void (*timer_callback_t)(uint32_t id, void *data);

/*
 * Start the driver: reset the timer table, take the current counter as time 0, bind the
 * IRQ handler (for TIMER_IRQ) to notification (skipped if notification is seL4_CapNull:
 * the caller bound it already) and Ack it. Returns TIMER_OK or a TIMER_ERR_*.
 */
int start_timer(seL4_IRQHandler irq_handler, seL4_CPtr notification);

/* Microseconds since start_timer (0 if the driver is not running). */
uint64_t get_time(void);

/* Run cb(id, data) once, delay_us from now. Returns the timer's id (> 0), 0 on failure
 * (driver stopped, no callback, or table full). */
uint32_t register_timer(uint64_t delay_us, timer_callback_t cb, void *data);

/* Run cb(id, data) every period_us (> 0), first after one period, until removed. */
uint32_t register_periodic_timer(uint64_t period_us, timer_callback_t cb, void *data);

/* Cancel a pending timer. TIMER_OK, or TIMER_ERR_NO_SUCH if id is not pending. */
int remove_timer(uint32_t id);

/* Call when the timer's notification fires: runs the due callbacks in deadline order,
 * programs the hardware for the next deadline and Acks the IRQ. */
void timer_interrupt(void);

/* Disable the hardware, drop all timers and unbind the notification if start_timer bound
 * it. Returns TIMER_OK or TIMER_ERR_NOT_RUNNING. */
int stop_timer(void);

/* Number of pending timers (for tests and diagnostics). */
unsigned timer_pending_count(void);
