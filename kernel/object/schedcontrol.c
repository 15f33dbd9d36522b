/*
 * SchedControl: the authority to give scheduling contexts their budget and period
 * (SchedControl_ConfigureFlags, ABI (k)). There is one SchedControl cap, for core 0.
 */
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/invocation.h>
#include <keel/status.h>

#define TIME_RANGE(why) fail_range(KEEL_MIN_BUDGET_US, KEEL_MAX_PERIOD_US, why)

static status_t decode_configure_flags(invocation_t *inv)
{
    if (inv->extra_count < 1 || inv->length < 5)
        return fail_truncated("ConfigureFlags: needs 5 words and an SC cap");
    word_t budget_us = inv_mr(inv, 0);
    word_t period_us = inv_mr(inv, 1);
    word_t extra_refills = inv_mr(inv, 2);
    word_t badge = inv_mr(inv, 3);
    word_t flags = inv_mr(inv, 4);
    cap_t sc_cap = inv->extra[0].cap;

    /* The order of checks is the ABI's (k); the µs bounds come first so that the
     * conversion to ticks cannot overflow. */
    if (budget_us > KEEL_MAX_PERIOD_US)
        return TIME_RANGE("ConfigureFlags: budget too long");
    if (period_us > KEEL_MAX_PERIOD_US)
        return TIME_RANGE("ConfigureFlags: period too long");
    if (us_to_ticks(budget_us) < MIN_BUDGET)
        return TIME_RANGE("ConfigureFlags: budget below the minimum");
    if (us_to_ticks(period_us) < MIN_BUDGET)
        return TIME_RANGE("ConfigureFlags: period below the minimum");
    ticks_t budget = us_to_ticks(budget_us);
    ticks_t period = us_to_ticks(period_us);
    if (budget > period)
        return fail_range(KEEL_MIN_BUDGET_US, period_us, "ConfigureFlags: budget exceeds period");
    if (cap_type(sc_cap) != cap_sched_context_cap)
        return fail_invalid_cap(1, "ConfigureFlags: target is not a SchedContext cap");
    word_t max_extra = sched_context_refill_capacity(sched_context_size_bits(sc_cap)) - MIN_REFILLS;
    if (extra_refills > max_extra)
        return fail_range(0, max_extra, "ConfigureFlags: too many extra refills for the SC's size");

    sched_context_configure(cap_ptr(sc_cap), budget, period, extra_refills, badge,
                            flags & seL4_SchedContext_Sporadic);
    return OK;
}

status_t decode_sched_control_invocation(invocation_t *inv)
{
    if (inv->label != SchedControlConfigureFlags)
        return fail_illegal("not a SchedControl method");
    return decode_configure_flags(inv);
}
