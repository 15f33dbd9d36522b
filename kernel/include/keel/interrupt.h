/* Interrupts: the IRQ table, IRQControl and IRQHandler (object/interrupt.c). */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

void irq_init(cte_t *irq_control_slot);     /* at boot: all masked, the kernel timer reserved */
void handle_irq(word_t irq);                  /* an acknowledged interrupt (or IRQ_NONE) */
void irq_handler_finalise(word_t irq);        /* last IRQHandler cap deleted */
