/*
 * Timeout driver on the EL1 physical timer. Pending timeouts live in a fixed table kept
 * sorted by deadline (absolute counter ticks); the hardware is always armed for the head.
 * See <timer/timer.h>.
 */
#include <stdbool.h>
#include <stddef.h>
#include <timer/generic_timer.h>
#include <timer/timer.h>

#define US_PER_SECOND 1000000ull

typedef struct timeout {
    uint64_t deadline;          /* absolute counter ticks */
    uint64_t period;            /* ticks between runs; 0 for a one-shot timer */
    timer_callback_t cb;
    void *data;
    uint32_t id;
} timeout_t;

static struct {
    bool running;
    bool bound_notification;    /* start_timer called SetNotification */
    seL4_IRQHandler irq_handler;
    uint64_t start;             /* counter value at start_timer */
    uint64_t freq;              /* counter ticks per second */
    uint32_t last_id;
    unsigned count;
    timeout_t queue[TIMER_MAX_TIMERS];   /* sorted by deadline, ties in insertion order */
} drv;

/* ---- time conversion ------------------------------------------------------------------ */

static uint64_t ticks_to_us(uint64_t ticks)
{
    return ticks / drv.freq * US_PER_SECOND + ticks % drv.freq * US_PER_SECOND / drv.freq;
}

static uint64_t us_to_ticks(uint64_t us)
{
    uint64_t seconds = us / US_PER_SECOND;
    if (seconds > UINT64_MAX / drv.freq) {
        return UINT64_MAX;
    }
    return seconds * drv.freq + us % US_PER_SECOND * drv.freq / US_PER_SECOND;
}

static uint64_t saturating_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ---- the sorted table ------------------------------------------------------------------ */

static int queue_find(uint32_t id)
{
    for (unsigned i = 0; i < drv.count; i++) {
        if (drv.queue[i].id == id) {
            return (int)i;
        }
    }
    return -1;
}

static void queue_remove_at(unsigned index)
{
    for (unsigned i = index; i + 1 < drv.count; i++) {
        drv.queue[i] = drv.queue[i + 1];
    }
    drv.count--;
}

/* Insert after every entry with an earlier or equal deadline. Table must not be full. */
static void queue_insert(const timeout_t *t)
{
    unsigned pos = drv.count;
    while (pos > 0 && drv.queue[pos - 1].deadline > t->deadline) {
        drv.queue[pos] = drv.queue[pos - 1];
        pos--;
    }
    drv.queue[pos] = *t;
    drv.count++;
}

/* A non-zero id that no pending timer uses. */
static uint32_t new_id(void)
{
    do {
        drv.last_id++;
    } while (drv.last_id == 0 || queue_find(drv.last_id) >= 0);
    return drv.last_id;
}

/* Arm the hardware for the earliest deadline, or disable it when nothing is pending. */
static void program_hardware(void)
{
    if (drv.running && drv.count > 0) {
        gt_arm(drv.queue[0].deadline);
    } else {
        gt_disarm();
    }
}

/* ---- API ------------------------------------------------------------------------------ */

int start_timer(seL4_IRQHandler irq_handler, seL4_CPtr notification)
{
    if (drv.running) {
        stop_timer();
    }
    gt_disarm();
    drv.bound_notification = false;
    if (notification != seL4_CapNull) {
        if (seL4_IRQHandler_SetNotification(irq_handler, notification) != seL4_NoError) {
            return TIMER_ERR_KERNEL;
        }
        drv.bound_notification = true;
    }
    if (seL4_IRQHandler_Ack(irq_handler) != seL4_NoError) {
        return TIMER_ERR_KERNEL;
    }
    drv.irq_handler = irq_handler;
    drv.freq = gt_frequency();
    if (drv.freq == 0) {
        drv.freq = CONFIG_TIMER_CLOCK_HZ;
    }
    drv.start = gt_counter();
    drv.count = 0;
    drv.running = true;
    return TIMER_OK;
}

uint64_t get_time(void)
{
    if (!drv.running) {
        return 0;
    }
    return ticks_to_us(gt_counter() - drv.start);
}

static uint32_t add_timer(uint64_t delay_us, uint64_t period_us, timer_callback_t cb, void *data)
{
    if (!drv.running || cb == NULL || drv.count == TIMER_MAX_TIMERS) {
        return 0;
    }
    timeout_t t = {
        .deadline = saturating_add(gt_counter(), us_to_ticks(delay_us)),
        .period = us_to_ticks(period_us),
        .cb = cb,
        .data = data,
        .id = new_id(),
    };
    queue_insert(&t);
    program_hardware();
    return t.id;
}

uint32_t register_timer(uint64_t delay_us, timer_callback_t cb, void *data)
{
    return add_timer(delay_us, 0, cb, data);
}

uint32_t register_periodic_timer(uint64_t period_us, timer_callback_t cb, void *data)
{
    if (period_us == 0) {
        return 0;
    }
    return add_timer(period_us, period_us, cb, data);
}

int remove_timer(uint32_t id)
{
    int index = queue_find(id);
    if (!drv.running || id == 0 || index < 0) {
        return TIMER_ERR_NO_SUCH;
    }
    queue_remove_at((unsigned)index);
    program_hardware();
    return TIMER_OK;
}

/* Take the head off the table (re-queueing it if periodic) and run its callback. */
static void run_head(void)
{
    timeout_t due = drv.queue[0];
    queue_remove_at(0);
    if (due.period != 0) {
        timeout_t next = due;
        next.deadline = saturating_add(due.deadline, due.period);
        queue_insert(&next);
    }
    due.cb(due.id, due.data);
}

void timer_interrupt(void)
{
    if (!drv.running) {
        return;
    }
    while (drv.running && drv.count > 0 && drv.queue[0].deadline <= gt_counter()) {
        run_head();
    }
    if (!drv.running) {
        return;             /* a callback stopped the driver */
    }
    program_hardware();
    seL4_IRQHandler_Ack(drv.irq_handler);
}

int stop_timer(void)
{
    if (!drv.running) {
        return TIMER_ERR_NOT_RUNNING;
    }
    drv.running = false;
    drv.count = 0;
    gt_disarm();
    if (drv.bound_notification) {
        seL4_IRQHandler_Clear(drv.irq_handler);
        drv.bound_notification = false;
    }
    return TIMER_OK;
}

unsigned timer_pending_count(void)
{
    return drv.running ? drv.count : 0;
}
