/*
 * schedtest: helpers shared by the time-dependent scheduler tests.
 *
 * Time is read from the generic counter (CNTPCT_EL0, 62.5 MHz: 1 tick = 16 ns). Under
 * QEMU's -icount shift=0 one instruction takes 1 ns of virtual time, so a test's
 * timing is the same on every run.
 *
 * A ticker thread (priority 200, 50 us budget every 1 ms) signals a notification bound
 * to the root task once per millisecond; st_sleep_ms() and st_recv_timeout() use it, so
 * the root can wait for time to pass and never blocks forever.
 */
#ifndef KEEL_SCHEDTEST_H
#define KEEL_SCHEDTEST_H

#include "framework.h"

#define TICKS_PER_US_NUM 125 /* ticks = us * 125 / 2 (62.5 MHz) */
#define TICKS_PER_US_DEN 2
#define TICKER_PRIO 200
#define TICKER_PERIOD_US 1000
#define TICKER_BADGE 0x71c

static inline uint64_t st_now(void)
{
    uint64_t v;
    __asm__ volatile("isb\n mrs %0, cntpct_el0" : "=r"(v)::"memory");
    return v;
}

static inline uint64_t st_us_to_ticks(uint64_t us)
{
    return us * TICKS_PER_US_NUM / TICKS_PER_US_DEN;
}

static inline uint64_t st_ticks_to_us(uint64_t ticks)
{
    return ticks * TICKS_PER_US_DEN / TICKS_PER_US_NUM;
}

/* The SchedControl cap of core 0. */
seL4_CPtr st_schedcontrol(void);
/* Block the root for about n ms (n ticker periods). */
void st_sleep_ms(unsigned n);
/* Receive on `ep` with `reply`, giving up after about max_ms ms: 0 with info and badge
 * set, 1 on timeout. */
int st_recv_timeout(seL4_CPtr ep, seL4_CPtr reply, unsigned max_ms, seL4_MessageInfo_t *info,
                    seL4_Word *badge);
/* Set the root's priority (tests that lower it restore 255). */
void st_set_root_prio(seL4_Word prio);

/* Give thread t a new SC of 2^size_bits bytes configured with these parameters (the
 * SC from thread_create is unbound but stays in t->sc for thread_destroy). Returns the
 * new SC's cptr or 0. */
seL4_CPtr st_rebind_sc(struct thread *t, seL4_Word size_bits, seL4_Word budget_us,
                       seL4_Word period_us, seL4_Word extra_refills, seL4_Word badge,
                       seL4_Word flags);

/*
 * A worker spins and measures its own running time: consecutive counter reads less
 * than ST_GAP_TICKS apart count as running; a larger gap means something else ran.
 * Optionally it logs its running segments [start, end].
 */
#define ST_GAP_TICKS 64 /* ~1 us */
#define ST_MAX_SEGMENTS 512

struct st_worker {
    volatile uint64_t run;        /* ticks of running time seen */
    volatile uint64_t last;       /* last counter read */
    volatile int stop;
    volatile int started;
    bool log_segments;
    volatile unsigned nseg;       /* closed segments */
    uint64_t seg_start[ST_MAX_SEGMENTS + 1], seg_end[ST_MAX_SEGMENTS + 1];
    seL4_CPtr wait_ntfn;          /* nonzero: wait on it before each burst */
    uint64_t burst_ticks;         /* with wait_ntfn: spin this long per wake-up */
    volatile unsigned bursts;
};

void st_worker_init(struct st_worker *w, bool log_segments);
void st_worker_fn(seL4_Word arg);
/* Running time within [from, to) according to w's segment log (the open segment ends
 * at w->last). */
uint64_t st_worker_run_between(const struct st_worker *w, uint64_t from, uint64_t to);

#endif
