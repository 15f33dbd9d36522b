/*
 * SOS internals shared by its parts: the root environment, the endpoint every process
 * talks to, badges, and replies that are answered later.
 */
#pragma once

#include <stdbool.h>
#include <sel4/sel4.h>
#include <process/rootenv.h>

/* Badges of the caps to SOS's endpoint and notification. The low bits of an endpoint
 * badge are the caller's process table index. */
#define BADGE_IRQ           (1ul << 62)     /* a notification: bits below say which IRQs */
#define BADGE_IRQ_SERIAL    (1ul << 0)
#define BADGE_IRQ_TIMER     (1ul << 1)
#define BADGE_SYSCALL       (1ul << 20)
#define BADGE_FAULT         (1ul << 21)
#define BADGE_INDEX_MASK    0xffffful

/* Processes run below SOS (the root task has priority 255), round-robin. */
#define PROC_PRIORITY       100
#define PROC_TIMESLICE_US   10000

extern root_env_t sos_env;
extern seL4_CPtr sos_endpoint;

/* Answer the message being handled now. */
void reply_now(seL4_MessageInfo_t info);
/* Keep the caller of the message being handled waiting: returns the reply cap that
 * answers it later (reply_later), or seL4_CapNull if SOS is out of reply objects (then
 * answer now). */
seL4_CPtr reply_keep(void);
void reply_later(seL4_CPtr reply, seL4_MessageInfo_t info);
/* The caller went away: the reply cap is free again. */
void reply_drop(seL4_CPtr reply);
