/*
 * SOS: a small operating system running as Keel's root task.
 *
 * It builds its memory environment from bootinfo (libs/process rootenv: cspace, ut,
 * frame table), takes over the serial port and the EL1 physical timer, and then serves
 * its processes from one endpoint: their system calls (include/sos.h), their faults
 * (demand paging, or death) and the interrupts, which arrive on a notification bound
 * to SOS's thread. The first process is the shell, sosh.
 */
#include <stdio.h>
#include <string.h>
#include <sel4/sel4.h>
#include <timer/timer.h>
#include "console.h"
#include "proc.h"
#include "system.h"

const char *__keel_progname = "sos";

root_env_t sos_env;
seL4_CPtr sos_endpoint;

static bool console_ready;

/* Once the serial driver runs, SOS's own printf output goes through it too, in order
 * with the processes' output. */
void __keel_putchar(int c)
{
    if (console_ready) {
        char ch = (char)c;
        console_write(&ch, 1);
    } else {
        seL4_DebugPutChar((char)c);
    }
}

static void __attribute__((noreturn)) halt(const char *why)
{
    printf("sos: %s\n", why);
    seL4_DebugHalt();
    for (;;) {
    }
}

/* ---- reply objects --------------------------------------------------------------------------- */

/* The reply object of the next Recv, and spares for callers kept waiting. */
static seL4_CPtr recv_reply;
static seL4_CPtr spare_replies[MAX_PROCS + 1];
static unsigned num_spare_replies;

static seL4_CPtr new_reply(void)
{
    if (num_spare_replies > 0) {
        return spare_replies[--num_spare_replies];
    }
    ut_t *ut;
    return root_env_new_object(&sos_env, seL4_ReplyObject, 0, seL4_ReplyBits, &ut);
}

void reply_now(seL4_MessageInfo_t info)
{
    seL4_Send(recv_reply, info);
}

seL4_CPtr reply_keep(void)
{
    seL4_CPtr next = new_reply();
    if (next == seL4_CapNull) {
        return seL4_CapNull;
    }
    seL4_CPtr kept = recv_reply;
    recv_reply = next;
    return kept;
}

void reply_drop(seL4_CPtr reply)
{
    if (num_spare_replies < sizeof(spare_replies) / sizeof(spare_replies[0])) {
        spare_replies[num_spare_replies++] = reply;
    }
}

void reply_later(seL4_CPtr reply, seL4_MessageInfo_t info)
{
    seL4_Send(reply, info);
    reply_drop(reply);
}

/* ---- start-up --------------------------------------------------------------------------------- */

static seL4_CPtr new_object(seL4_Word type, size_t mem_bits)
{
    ut_t *ut;
    seL4_CPtr cap = root_env_new_object(&sos_env, type, 0, mem_bits, &ut);
    if (cap == seL4_CapNull) {
        halt("out of memory while starting");
    }
    return cap;
}

/* A copy of the notification that signals with the given badge bits. */
static seL4_CPtr badged(seL4_CPtr ntfn, seL4_Word badge)
{
    cspace_t *cs = &sos_env.cspace;
    seL4_CPtr slot = cspace_alloc_slot(cs);
    if (slot == seL4_CapNull || cspace_mint(cs, slot, cs, ntfn, seL4_AllRights, badge) !=
                                    seL4_NoError) {
        halt("cannot mint a notification cap");
    }
    return slot;
}

static void start_timer_driver(seL4_CPtr ntfn)
{
    seL4_CPtr irq = cspace_alloc_slot(&sos_env.cspace);
    if (irq == seL4_CapNull ||
        cspace_irq_control_get(&sos_env.cspace, irq, seL4_CapIRQControl, TIMER_IRQ, 0) !=
            seL4_NoError ||
        start_timer(irq, badged(ntfn, BADGE_IRQ | BADGE_IRQ_TIMER)) != TIMER_OK) {
        halt("cannot start the timer (does the kernel export the physical timer?)");
    }
}

static void handle_irqs(seL4_Word badge)
{
    if (badge & BADGE_IRQ_SERIAL) {
        console_irq();
    }
    if (badge & BADGE_IRQ_TIMER) {
        timer_interrupt();
    }
}

int main(void)
{
    printf("sos: starting\n");
    if (root_env_init(&sos_env, seL4_GetBootInfo()) != 0) {
        halt("cannot set up memory management");
    }
    sos_endpoint = new_object(seL4_EndpointObject, seL4_EndpointBits);
    seL4_CPtr ntfn = new_object(seL4_NotificationObject, seL4_NotificationBits);
    recv_reply = new_object(seL4_ReplyObject, seL4_ReplyBits);
    /* Interrupts arrive on the notification; bound to us, it also ends our Recv. */
    if (seL4_TCB_BindNotification(seL4_CapInitThreadTCB, ntfn) != seL4_NoError) {
        halt("cannot bind the notification");
    }
    if (console_init(badged(ntfn, BADGE_IRQ | BADGE_IRQ_SERIAL)) != 0) {
        halt("cannot start the serial driver");
    }
    console_ready = true;
    start_timer_driver(ntfn);

    ut_stats_t mem = ut_get_stats();
    printf("sos: %lu MiB of memory free; starting the shell\n", mem.free_bytes >> 20);
    proc_init("sosh");

    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(sos_endpoint, &badge, recv_reply);
        if (badge & BADGE_IRQ) {
            handle_irqs(badge);
        } else if (badge & BADGE_FAULT) {
            proc_fault(badge & BADGE_INDEX_MASK, info);
        } else if (badge & BADGE_SYSCALL) {
            proc_syscall(badge & BADGE_INDEX_MASK, info);
        }
    }
}
