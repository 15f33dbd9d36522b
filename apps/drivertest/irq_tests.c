/*
 * IRQControl and IRQHandler: hostile arguments, delivery, Ack, re-binding, Clear, delete.
 *
 * The interrupt source is the EL1 physical timer (INTID 30), programmed directly. Its
 * interrupt is level-triggered: once the compare value has passed, the line stays
 * asserted until the timer is disabled, which lets the tests observe exactly when the
 * kernel masks and unmasks the line.
 */
#include <timer/generic_timer.h>
#include <timer/timer.h>
#include "harness.h"
#include "tests.h"

#define SPARE_IRQ        150      /* an SPI no QEMU virt device uses */
#define BADGE_FIRST      0x42
#define BADGE_SECOND     0x99
#define DELIVERY_TIMEOUT_US 200000
#define QUIET_PERIOD_US     5000

bool timer_irq_delivery_works;

/* ---- IRQControl.Get with bad arguments -------------------------------------------------- */

static seL4_Error irq_get_at(seL4_Word irq, seL4_CPtr slot, seL4_Uint8 depth)
{
    return seL4_IRQControl_Get(seL4_CapIRQControl, irq, seL4_CapInitThreadCNode, slot, depth);
}

TEST(irq_get_out_of_range)
{
    seL4_CPtr slot = env_slot();
    TRY(slot != seL4_CapNull);

    CHECK_ERR(irq_get_at(KEEL_MAX_IRQ + 1, slot, seL4_WordBits), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), KEEL_MAX_IRQ);

    CHECK_ERR(irq_get_at(1ul << 63, slot, seL4_WordBits), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 0);
    CHECK_EQ(seL4_GetMR(1), KEEL_MAX_IRQ);

    CHECK_EQ(seL4_DebugCapIdentify(slot), cap_null_cap);
}

TEST(irq_get_kernel_timer)
{
    seL4_CPtr slot = env_slot();
    TRY(slot != seL4_CapNull);
    CHECK_ERR(irq_get_at(KEEL_KERNEL_TIMER_IRQ, slot, seL4_WordBits), seL4_RevokeFirst);
    CHECK_EQ(seL4_DebugCapIdentify(slot), cap_null_cap);
}

TEST(irq_get_twice)
{
    seL4_CPtr first, second = env_slot();
    TRY(second != seL4_CapNull);
    CHECK_OK(env_irq_get(SPARE_IRQ, &first));
    CHECK_EQ(seL4_DebugCapIdentify(first), cap_irq_handler_cap);
    CHECK_ERR(irq_get_at(SPARE_IRQ, second, seL4_WordBits), seL4_RevokeFirst);
    CHECK_EQ(seL4_DebugCapIdentify(second), cap_null_cap);
    CHECK_OK(env_delete(first));
}

TEST(irq_get_trigger)
{
    seL4_CPtr slot = env_slot();
    TRY(slot != seL4_CapNull);
    CHECK_OK(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, SPARE_IRQ, 1, seL4_CapInitThreadCNode,
                                        slot, seL4_WordBits));
    CHECK_EQ(seL4_DebugCapIdentify(slot), cap_irq_handler_cap);
    CHECK_ERR(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, KEEL_MAX_IRQ + 1, 0,
                                         seL4_CapInitThreadCNode, slot, seL4_WordBits),
              seL4_RangeError);
    CHECK_OK(env_delete(slot));
}

TEST(irq_get_occupied_destination)
{
    CHECK_ERR(irq_get_at(SPARE_IRQ, seL4_CapInitThreadTCB, seL4_WordBits), seL4_DeleteFirst);
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), cap_thread_cap);

    /* The failed call must not have claimed the line. */
    seL4_CPtr handler;
    CHECK_OK(env_irq_get(SPARE_IRQ, &handler));
    CHECK_OK(env_delete(handler));
}

TEST(irq_get_bad_depth)
{
    seL4_CPtr slot = env_slot();
    TRY(slot != seL4_CapNull);

    CHECK_ERR(irq_get_at(SPARE_IRQ, slot, 0), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_WordBits);

    CHECK_ERR(irq_get_at(SPARE_IRQ, slot, seL4_WordBits + 1), seL4_RangeError);
    CHECK_EQ(seL4_GetMR(0), 1);
    CHECK_EQ(seL4_GetMR(1), seL4_WordBits);

    /* A depth the root CNode cannot resolve exactly: the walk fails. */
    CHECK_ERR(irq_get_at(SPARE_IRQ, slot, 32), seL4_FailedLookup);
    CHECK_EQ(seL4_DebugCapIdentify(slot), cap_null_cap);

    seL4_CPtr handler;
    CHECK_OK(env_irq_get(SPARE_IRQ, &handler));
    CHECK_OK(env_delete(handler));
}

/* ---- delivery through the physical timer ------------------------------------------------- */

/* An IRQHandler for the physical timer and two notifications with badged caps. */
typedef struct irq_fixture {
    seL4_CPtr handler;
    seL4_CPtr ntfn[2];        /* unbadged, for waiting */
    seL4_CPtr badged[2];      /* BADGE_FIRST, BADGE_SECOND */
} irq_fixture_t;

static bool fixture_setup(irq_fixture_t *f)
{
    static const seL4_Word badges[2] = { BADGE_FIRST, BADGE_SECOND };

    gt_disarm();
    seL4_Error err = env_irq_get(TIMER_IRQ, &f->handler);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "IRQControl_Get(%d): %s", TIMER_IRQ, error_name(err));
        return false;
    }
    for (int i = 0; i < 2; i++) {
        f->ntfn[i] = env_object(seL4_NotificationObject, 0);
        if (f->ntfn[i] == seL4_CapNull) {
            return false;
        }
        f->badged[i] = env_mint(f->ntfn[i], seL4_AllRights, badges[i]);
        if (f->badged[i] == seL4_CapNull) {
            return false;
        }
    }
    return true;
}

static void fixture_teardown(irq_fixture_t *f)
{
    gt_disarm();
    if (f->handler != seL4_CapNull) {
        env_delete(f->handler);
    }
}

/* Make the timer's line assert now (compare value already in the past). */
static void timer_line_assert(void)
{
    gt_arm(gt_counter());
}

/* Bind the handler to a badged cap and unmask the line. */
static bool bind_and_ack(irq_fixture_t *f, int which)
{
    seL4_Error err = seL4_IRQHandler_SetNotification(f->handler, f->badged[which]);
    if (err == seL4_NoError) {
        err = seL4_IRQHandler_Ack(f->handler);
    }
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "binding the timer IRQ: %s", error_name(err));
        return false;
    }
    return true;
}

static void irq_delivery_body(irq_fixture_t *f)
{
    TRY(fixture_setup(f));
    TRY(bind_and_ack(f, 0));
    CHECK_EQ(poll_signal(f->ntfn[0]), 0);

    /* First polling, so that a broken kernel cannot hang the run... */
    gt_arm(gt_counter() + us_to_counter(1000));
    CHECK_EQ(wait_signal(f->ntfn[0], DELIVERY_TIMEOUT_US), BADGE_FIRST);
    CHECK(gt_control() & CNTP_CTL_ISTATUS);

    /* ...then blocked in Wait, now that delivery is known to work. */
    gt_arm(gt_counter() + us_to_counter(1000));
    CHECK_OK(seL4_IRQHandler_Ack(f->handler));
    seL4_Word badge = 0;
    seL4_Wait(f->ntfn[0], &badge);
    CHECK_EQ(badge, BADGE_FIRST);
    CHECK(gt_control() & CNTP_CTL_ISTATUS);
    timer_irq_delivery_works = true;
}

TEST(irq_delivery_badge)
{
    irq_fixture_t f = { 0 };
    irq_delivery_body(&f);
    fixture_teardown(&f);
}

static void irq_ack_body(irq_fixture_t *f)
{
    TRY(fixture_setup(f));
    TRY(bind_and_ack(f, 0));
    timer_line_assert();
    CHECK_EQ(wait_signal(f->ntfn[0], DELIVERY_TIMEOUT_US), BADGE_FIRST);

    /* Still asserted, but masked until the Ack: nothing may arrive. */
    delay_us(QUIET_PERIOD_US);
    CHECK_EQ(poll_signal(f->ntfn[0]), 0);

    CHECK_OK(seL4_IRQHandler_Ack(f->handler));
    CHECK_EQ(wait_signal(f->ntfn[0], DELIVERY_TIMEOUT_US), BADGE_FIRST);
}

TEST(irq_ack_required)
{
    irq_fixture_t f = { 0 };
    irq_ack_body(&f);
    fixture_teardown(&f);
}

static void irq_rebind_body(irq_fixture_t *f)
{
    TRY(fixture_setup(f));
    TRY(bind_and_ack(f, 0));
    CHECK_OK(seL4_IRQHandler_SetNotification(f->handler, f->badged[1]));
    timer_line_assert();
    CHECK_EQ(wait_signal(f->ntfn[1], DELIVERY_TIMEOUT_US), BADGE_SECOND);
    CHECK_EQ(poll_signal(f->ntfn[0]), 0);
}

TEST(irq_rebind_notification)
{
    irq_fixture_t f = { 0 };
    irq_rebind_body(&f);
    fixture_teardown(&f);
}

static void irq_clear_body(irq_fixture_t *f)
{
    TRY(fixture_setup(f));
    TRY(bind_and_ack(f, 0));
    CHECK_OK(seL4_IRQHandler_Clear(f->handler));
    timer_line_assert();
    delay_us(QUIET_PERIOD_US);
    CHECK_EQ(poll_signal(f->ntfn[0]), 0);

    /* Binding again brings delivery back (the line is still asserted). */
    CHECK_OK(seL4_IRQHandler_SetNotification(f->handler, f->badged[0]));
    CHECK_OK(seL4_IRQHandler_Ack(f->handler));
    CHECK_EQ(wait_signal(f->ntfn[0], DELIVERY_TIMEOUT_US), BADGE_FIRST);
}

TEST(irq_clear)
{
    irq_fixture_t f = { 0 };
    irq_clear_body(&f);
    fixture_teardown(&f);
}

static void irq_delete_body(irq_fixture_t *f)
{
    TRY(fixture_setup(f));
    TRY(bind_and_ack(f, 0));

    /* Line unmasked and bound, then the handler cap goes away. */
    CHECK_OK(env_delete(f->handler));
    CHECK_EQ(seL4_DebugCapIdentify(f->handler), cap_null_cap);
    f->handler = seL4_CapNull;
    timer_line_assert();
    delay_us(QUIET_PERIOD_US);
    CHECK_EQ(poll_signal(f->ntfn[0]), 0);

    /* The line is free again, and works for the new owner. */
    seL4_Error err = env_irq_get(TIMER_IRQ, &f->handler);
    if (err != seL4_NoError) {
        f->handler = seL4_CapNull;
        FAIL("IRQControl_Get after delete: %s", error_name(err));
    }
    TRY(bind_and_ack(f, 0));
    CHECK_EQ(wait_signal(f->ntfn[0], DELIVERY_TIMEOUT_US), BADGE_FIRST);
}

TEST(irq_delete_handler)
{
    irq_fixture_t f = { 0 };
    irq_delete_body(&f);
    fixture_teardown(&f);
}

static void irq_bad_notification_body(irq_fixture_t *f)
{
    TRY(fixture_setup(f));
    seL4_CPtr read_only = env_mint(f->ntfn[0], seL4_CanRead, 0);
    TRY(read_only != seL4_CapNull);

    CHECK_ERR(seL4_IRQHandler_SetNotification(f->handler, seL4_CapInitThreadTCB),
              seL4_InvalidCapability);
    CHECK_ERR(seL4_IRQHandler_SetNotification(f->handler, read_only), seL4_InvalidCapability);
}

TEST(irq_set_notification_bad_cap)
{
    irq_fixture_t f = { 0 };
    irq_bad_notification_body(&f);
    fixture_teardown(&f);
}
