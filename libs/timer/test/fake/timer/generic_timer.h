/* Host stand-in for the generic timer: a counter the test moves by hand. */
#pragma once

#include <stdint.h>

#define CNTP_CTL_ENABLE   (1u << 0)

extern uint64_t fake_counter;
extern uint64_t fake_compare;
extern int fake_enabled;

static inline uint64_t gt_counter(void) { return fake_counter; }
static inline uint64_t gt_frequency(void) { return 62500000u; }
static inline void gt_arm(uint64_t when) { fake_compare = when; fake_enabled = 1; }
static inline void gt_disarm(void) { fake_enabled = 0; }
static inline uint64_t gt_control(void) { return (uint64_t)fake_enabled; }
