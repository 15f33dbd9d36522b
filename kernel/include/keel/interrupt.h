/* Interrupts: the IRQ table, IRQControl and IRQHandler (object/interrupt.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

void irq_init(void);                          /* at boot: everything masked, timer reserved */
void irq_handler_finalise(word_t irq);        /* last IRQHandler cap deleted */
