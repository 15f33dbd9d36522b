/*
 * drivertest: the event notification, the timer driver's set-up, and the event loop.
 */
#include <serial/serial.h>
#include <timer/timer.h>
#include "events.h"
#include "harness.h"

static seL4_CPtr event_ntfn;
static seL4_CPtr timer_irq_handler;

seL4_CPtr events_badged_cap(seL4_Word badge)
{
    if (event_ntfn == seL4_CapNull) {
        event_ntfn = env_object(seL4_NotificationObject, 0);
        if (event_ntfn == seL4_CapNull) {
            return seL4_CapNull;
        }
    }
    return env_mint(event_ntfn, seL4_AllRights, badge);
}

bool timer_fixture_start(void)
{
    seL4_CPtr badged = events_badged_cap(EVENT_BADGE_TIMER);
    if (badged == seL4_CapNull) {
        return false;
    }
    seL4_Error err = env_irq_get(TIMER_IRQ, &timer_irq_handler);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "IRQControl_Get(timer): %s", error_name(err));
        return false;
    }
    int rv = start_timer(timer_irq_handler, badged);
    if (rv != TIMER_OK) {
        test_fail_at(__FILE__, __LINE__, "start_timer: %d", rv);
        return false;
    }
    return true;
}

void timer_fixture_stop(void)
{
    stop_timer();
    if (timer_irq_handler != seL4_CapNull) {
        env_delete(timer_irq_handler);
        timer_irq_handler = seL4_CapNull;
    }
}

/* Block for the next signal and pass it on. */
static void dispatch_one(void)
{
    seL4_Word badge = 0;
    seL4_Wait(event_ntfn, &badge);
    if (badge & EVENT_BADGE_TIMER) {
        timer_interrupt();
    }
    if (badge & EVENT_BADGE_SERIAL) {
        serial_irq();
    }
}

static void set_flag(uint32_t id, void *flag)
{
    (void)id;
    *(volatile bool *)flag = true;
}

bool events_run_until(const volatile bool *done, uint64_t timeout_us)
{
    volatile bool timed_out = false;
    uint32_t watchdog = register_timer(timeout_us, set_flag, (void *)&timed_out);
    if (watchdog == 0) {
        return *done;
    }
    while (!*done && !timed_out) {
        dispatch_one();
    }
    remove_timer(watchdog);
    return *done;
}

void events_run_for(uint64_t duration_us)
{
    static const volatile bool never = false;
    events_run_until(&never, duration_us);
}
