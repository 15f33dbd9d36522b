/*
 * libs/timer: time stamps, one-shot timeouts in deadline order, removal, periodic
 * timers, callbacks that use the driver, and stopping.
 */
#include <timer/timer.h>
#include "events.h"
#include "harness.h"
#include "tests.h"

#define RUN_TIMEOUT_US 3000000

static bool timer_test_begin(void)
{
    if (!timer_irq_delivery_works) {
        test_fail_at(__FILE__, __LINE__, "skipped: the timer IRQ is not delivered");
        return false;
    }
    return timer_fixture_start();
}

/* ---- get_time ------------------------------------------------------------------------ */

static void get_time_body(void)
{
    uint64_t start = get_time();
    uint64_t last = start;
    for (int i = 0; i < 1000; i++) {
        uint64_t t = get_time();
        CHECK(t >= last);
        last = t;
    }
    delay_us(10000);
    uint64_t elapsed = get_time() - start;
    CHECK(elapsed >= 10000);
    CHECK(elapsed < 10000000);
}

TEST(timer_get_time)
{
    TRY(timer_test_begin());
    get_time_body();
    timer_fixture_stop();
}

/* ---- 100 timeouts in random order ------------------------------------------------------- */

#define NUM_TIMEOUTS   100
#define BASE_DELAY_US  5000
#define SPACING_US     500
#define REMOVE_EVERY   7      /* timeouts with index % 7 == 3 are removed */

typedef struct timeout_record {
    uint32_t id;
    uint64_t delay_us;
    uint64_t due_lo_us;       /* the driver's deadline lies in [due_lo_us, due_hi_us] */
    uint64_t due_hi_us;
    uint64_t fired_us;
    unsigned fired;
    bool removed;
} timeout_record_t;

static timeout_record_t records[NUM_TIMEOUTS];
static unsigned fire_order[NUM_TIMEOUTS];
static unsigned fired_total;
static volatile bool all_fired;
static unsigned expected_fires;

static void record_fire(uint32_t id, void *data)
{
    timeout_record_t *r = data;
    (void)id;
    r->fired++;
    r->fired_us = get_time();
    if (fired_total < NUM_TIMEOUTS) {
        fire_order[fired_total] = (unsigned)(r - records);
    }
    fired_total++;
    all_fired = fired_total >= expected_fires;
}

static uint64_t xorshift(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* delays[i] = BASE + perm[i] * SPACING for a fixed-seed permutation perm. */
static void shuffled_delays(uint64_t *delays)
{
    unsigned perm[NUM_TIMEOUTS];
    uint64_t seed = 0x6b65656c;
    for (unsigned i = 0; i < NUM_TIMEOUTS; i++) {
        perm[i] = i;
    }
    for (unsigned i = NUM_TIMEOUTS - 1; i > 0; i--) {
        unsigned j = (unsigned)(xorshift(&seed) % (i + 1));
        unsigned t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    for (unsigned i = 0; i < NUM_TIMEOUTS; i++) {
        delays[i] = BASE_DELAY_US + perm[i] * SPACING_US;
    }
}

static bool register_all(void)
{
    uint64_t delays[NUM_TIMEOUTS];
    shuffled_delays(delays);
    for (unsigned i = 0; i < NUM_TIMEOUTS; i++) {
        timeout_record_t *r = &records[i];
        *r = (timeout_record_t){ .delay_us = delays[i], .due_lo_us = get_time() + delays[i] };
        r->id = register_timer(delays[i], record_fire, r);
        r->due_hi_us = get_time() + delays[i];
        if (r->id == 0) {
            test_fail_at(__FILE__, __LINE__, "register_timer #%u failed", i);
            return false;
        }
    }
    return true;
}

static bool remove_some(void)
{
    for (unsigned i = REMOVE_EVERY / 2; i < NUM_TIMEOUTS; i += REMOVE_EVERY) {
        if (remove_timer(records[i].id) != TIMER_OK) {
            test_fail_at(__FILE__, __LINE__, "remove_timer(%u) failed", records[i].id);
            return false;
        }
        if (remove_timer(records[i].id) != TIMER_ERR_NO_SUCH) {
            test_fail_at(__FILE__, __LINE__, "second remove_timer(%u) succeeded", records[i].id);
            return false;
        }
        records[i].removed = true;
        expected_fires--;
    }
    return true;
}

/* Each fired no earlier than its deadline, and no timeout fired before one whose
 * deadline was certainly earlier. */
static void check_fire_order(void)
{
    for (unsigned k = 0; k < expected_fires; k++) {
        const timeout_record_t *r = &records[fire_order[k]];
        CHECK(r->fired_us >= r->due_lo_us);
        if (k > 0) {
            const timeout_record_t *prev = &records[fire_order[k - 1]];
            CHECK(prev->due_lo_us <= r->due_hi_us);
            CHECK(r->fired_us >= prev->fired_us);
        }
    }
}

/* With registration much faster than SPACING_US, deadline order is delay order. */
static unsigned count_delay_inversions(void)
{
    unsigned inversions = 0;
    for (unsigned k = 1; k < expected_fires; k++) {
        if (records[fire_order[k]].delay_us < records[fire_order[k - 1]].delay_us) {
            inversions++;
        }
    }
    return inversions;
}

static void deadline_order_body(void)
{
    fired_total = 0;
    all_fired = false;
    expected_fires = NUM_TIMEOUTS;
    TRY(register_all());
    CHECK_EQ(timer_pending_count(), NUM_TIMEOUTS);
    TRY(remove_some());
    CHECK_EQ(timer_pending_count(), expected_fires);

    CHECK(events_run_until(&all_fired, RUN_TIMEOUT_US));
    CHECK_EQ(fired_total, expected_fires);
    for (unsigned i = 0; i < NUM_TIMEOUTS; i++) {
        CHECK_EQ(records[i].fired, records[i].removed ? 0 : 1);
    }
    check_fire_order();
    CHECK_EQ(timer_pending_count(), 0);
    uint64_t registration_us = records[NUM_TIMEOUTS - 1].due_hi_us -
                               records[NUM_TIMEOUTS - 1].delay_us - records[0].due_lo_us +
                               records[0].delay_us;
    if (registration_us < SPACING_US) {
        CHECK_EQ(count_delay_inversions(), 0);
    }
}

TEST(timer_deadline_order)
{
    TRY(timer_test_begin());
    deadline_order_body();
    timer_fixture_stop();
}

/* ---- periodic ----------------------------------------------------------------------------- */

#define PERIOD_US      3000
#define PERIODIC_RUNS  5

static uint64_t periodic_times[PERIODIC_RUNS + 1];
static unsigned periodic_count;
static volatile bool periodic_done;

static void periodic_tick(uint32_t id, void *data)
{
    (void)data;
    if (periodic_count <= PERIODIC_RUNS) {
        periodic_times[periodic_count] = get_time();
    }
    periodic_count++;
    if (periodic_count == PERIODIC_RUNS) {
        remove_timer(id);       /* removal from inside its own callback */
        periodic_done = true;
    }
}

static void periodic_body(void)
{
    periodic_count = 0;
    periodic_done = false;
    uint64_t start = get_time();
    uint32_t id = register_periodic_timer(PERIOD_US, periodic_tick, NULL);
    CHECK(id != 0);
    CHECK(events_run_until(&periodic_done, RUN_TIMEOUT_US));
    events_run_for(5 * PERIOD_US);          /* it must not fire again */
    CHECK_EQ(periodic_count, PERIODIC_RUNS);
    for (unsigned k = 0; k < PERIODIC_RUNS; k++) {
        CHECK(periodic_times[k] >= start + (k + 1) * PERIOD_US);
    }
    CHECK_EQ(remove_timer(id), TIMER_ERR_NO_SUCH);
    CHECK_EQ(register_periodic_timer(0, periodic_tick, NULL), 0);
}

TEST(timer_periodic)
{
    TRY(timer_test_begin());
    periodic_body();
    timer_fixture_stop();
}

/* ---- callbacks that use the driver, ties, bad arguments ---------------------------------- */

#define CHAIN_LENGTH 5
#define TIE_COUNT    8

static unsigned chain_links;
static volatile bool chain_done;
static unsigned tie_order[TIE_COUNT];
static unsigned tie_fired;

static void chain_link(uint32_t id, void *data)
{
    (void)id;
    (void)data;
    chain_links++;
    if (chain_links == CHAIN_LENGTH) {
        chain_done = true;
    } else if (register_timer(1000, chain_link, NULL) == 0) {
        chain_done = true;      /* links will be missing: the count check fails */
    }
}

static void tie_fire(uint32_t id, void *data)
{
    (void)id;
    if (tie_fired < TIE_COUNT) {
        tie_order[tie_fired] = (unsigned)(uintptr_t)data;
    }
    tie_fired++;
}

static void callbacks_body(void)
{
    CHECK_EQ(register_timer(1000, NULL, NULL), 0);
    CHECK_EQ(remove_timer(0), TIMER_ERR_NO_SUCH);
    CHECK_EQ(remove_timer(0x7fffffff), TIMER_ERR_NO_SUCH);

    chain_links = 0;
    chain_done = false;
    CHECK(register_timer(1000, chain_link, NULL) != 0);
    CHECK(events_run_until(&chain_done, RUN_TIMEOUT_US));
    CHECK_EQ(chain_links, CHAIN_LENGTH);

    /* Equal delays registered back to back: fire in registration order. A timer whose
     * delay is 0 is due at once. */
    tie_fired = 0;
    for (unsigned i = 0; i < TIE_COUNT; i++) {
        CHECK(register_timer(0, tie_fire, (void *)(uintptr_t)i) != 0);
    }
    events_run_for(2000);
    CHECK_EQ(tie_fired, TIE_COUNT);
    for (unsigned i = 0; i < TIE_COUNT; i++) {
        CHECK_EQ(tie_order[i], i);
    }
}

TEST(timer_callbacks_and_errors)
{
    TRY(timer_test_begin());
    callbacks_body();
    timer_fixture_stop();
}

/* ---- stop ------------------------------------------------------------------------------- */

static void never_called(uint32_t id, void *data)
{
    (void)id;
    *(bool *)data = true;
}

static void stop_body(void)
{
    bool called = false;
    CHECK(register_timer(1000, never_called, &called) != 0);
    CHECK_EQ(stop_timer(), TIMER_OK);
    CHECK_EQ(stop_timer(), TIMER_ERR_NOT_RUNNING);
    CHECK_EQ(register_timer(1000, never_called, &called), 0);
    CHECK_EQ(get_time(), 0);
    CHECK_EQ(timer_pending_count(), 0);
    delay_us(3000);
    timer_interrupt();              /* harmless when stopped */
    CHECK(!called);
}

TEST(timer_stop)
{
    TRY(timer_test_begin());
    stop_body();
    timer_fixture_stop();
}
