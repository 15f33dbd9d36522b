/*
 * Host test of libs/timer's bookkeeping (table order, periodic re-arming, removal,
 * hardware programming, Acks) with a fake counter and fake IRQ invocations.
 *
 *   make timer-host-test   (or by hand:)
 *   gcc -std=gnu11 -Wall -Wextra -Werror -fsanitize=address,undefined \
 *       -Ilibs/timer/test/fake -Ilibs/timer/include \
 *       libs/timer/test/host_test.c libs/timer/src/timer.c -o /tmp/timer_host_test
 */
#include <assert.h>
#include <stdio.h>
#include <timer/timer.h>
#include <timer/generic_timer.h>

#define TICKS_PER_US 62.5

uint64_t fake_counter;
uint64_t fake_compare;
int fake_enabled;
static int acks, clears, binds;

seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler handler, seL4_CPtr ntfn)
{
    (void)handler;
    (void)ntfn;
    binds++;
    return seL4_NoError;
}

seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler handler)
{
    (void)handler;
    acks++;
    return seL4_NoError;
}

seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler handler)
{
    (void)handler;
    clears++;
    return seL4_NoError;
}

static void advance_us(uint64_t us)
{
    fake_counter += (uint64_t)(us * TICKS_PER_US);
}

/* Move time to the armed deadline and deliver the interrupt. */
static void fire_next(void)
{
    assert(fake_enabled);
    if (fake_counter < fake_compare) {
        fake_counter = fake_compare;
    }
    timer_interrupt();
}

static uint32_t log_ids[64];
static unsigned log_len;

static void log_cb(uint32_t id, void *data)
{
    (void)data;
    log_ids[log_len++] = id;
}

static void test_order_and_removal(void)
{
    fake_counter = 1000;
    assert(start_timer(5, 7) == TIMER_OK && binds == 1 && acks == 1);
    assert(get_time() == 0);
    uint32_t c = register_timer(300, log_cb, NULL);
    uint32_t a = register_timer(100, log_cb, NULL);
    uint32_t b = register_timer(200, log_cb, NULL);
    uint32_t d = register_timer(200, log_cb, NULL);
    assert(a && b && c && d && a != b && timer_pending_count() == 4);
    assert(fake_compare == 1000 + 100 * 62.5);
    assert(remove_timer(b) == TIMER_OK && remove_timer(b) == TIMER_ERR_NO_SUCH);
    log_len = 0;
    fire_next();
    assert(log_len == 1 && log_ids[0] == a && acks == 2);
    advance_us(1000);                    /* both remaining are due now */
    timer_interrupt();
    assert(log_len == 3 && log_ids[1] == d && log_ids[2] == c);
    assert(!fake_enabled && timer_pending_count() == 0);
    assert(get_time() == 1000 + 100);
}

static void remove_self(uint32_t id, void *data)
{
    unsigned *count = data;
    if (++*count == 3) {
        assert(remove_timer(id) == TIMER_OK);
    }
}

static void test_periodic(void)
{
    unsigned count = 0;
    uint64_t start = fake_counter;
    assert(register_periodic_timer(0, remove_self, &count) == 0);
    assert(register_periodic_timer(1000, remove_self, &count) != 0);
    for (int i = 1; i <= 3; i++) {
        fire_next();
        assert(count == (unsigned)i);
        assert(fake_counter == start + (uint64_t)(i * 1000 * TICKS_PER_US));
    }
    assert(timer_pending_count() == 0 && !fake_enabled);
}

static void test_full_table_and_stop(void)
{
    for (unsigned i = 0; i < TIMER_MAX_TIMERS; i++) {
        assert(register_timer(10 + i, log_cb, NULL) != 0);
    }
    assert(register_timer(5, log_cb, NULL) == 0);
    assert(stop_timer() == TIMER_OK && clears == 1 && !fake_enabled);
    assert(stop_timer() == TIMER_ERR_NOT_RUNNING);
    assert(register_timer(5, log_cb, NULL) == 0 && get_time() == 0);
}

int main(void)
{
    test_order_and_removal();
    test_periodic();
    test_full_table_and_stop();
    printf("libs/timer host test: PASS\n");
    return 0;
}
