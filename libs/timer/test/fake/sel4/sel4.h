/* Host stand-in for <sel4/sel4.h>: just what libs/timer uses (see host_test.c). */
#pragma once

#include <stdint.h>

typedef uint64_t seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_CPtr seL4_IRQHandler;
typedef enum { seL4_NoError = 0, seL4_InvalidCapability = 2 } seL4_Error;

#define seL4_CapNull 0
#define CONFIG_TIMER_CLOCK_HZ 62500000ul

seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler handler, seL4_CPtr ntfn);
seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler handler);
seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler handler);
