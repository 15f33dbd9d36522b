/* Knobs of the fake architecture used by host unit tests. */
#pragma once
#include <keel/types.h>
extern ticks_t fake_now;
extern ticks_t fake_deadline;
extern bool    fake_irq_pending;
extern word_t  fake_tlb_flushes;
