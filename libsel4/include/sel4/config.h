/*
 * Keel libsel4: the CONFIG_* switches seL4 programs test, for the one configuration
 * Keel implements. Values come from the generated ABI header; boolean options are
 * defined (to 1) when on and left undefined when off, as seL4's generated config does.
 */
#pragma once

#include <keel/abi_gen.h>

#define CONFIG_WORD_SIZE                       seL4_WordBits
#define CONFIG_ARCH_ARM                        1
#define CONFIG_SEL4_ARCH_AARCH64               1
#if KEEL_CONFIG_ARCH_AARCH64
#define CONFIG_ARCH_AARCH64                    1
#endif
#if KEEL_CONFIG_KERNEL_MCS
#define CONFIG_KERNEL_MCS                      1
#endif
#if KEEL_CONFIG_PLAT_QEMU_ARM_VIRT
#define CONFIG_PLAT_QEMU_ARM_VIRT              1
#endif
#if KEEL_CONFIG_ARM_CORTEX_A53
#define CONFIG_ARM_CORTEX_A53                  1
#endif
#if KEEL_CONFIG_DEBUG_BUILD
#define CONFIG_DEBUG_BUILD                     1
#endif
#if KEEL_CONFIG_PRINTING
#define CONFIG_PRINTING                        1
#endif
#if KEEL_CONFIG_AARCH64_USER_CACHE_ENABLE
#define CONFIG_AARCH64_USER_CACHE_ENABLE       1
#endif
#define CONFIG_HAVE_FPU                        1
#define CONFIG_ARM_TLS_REG_TPIDRU              1
#define CONFIG_NO_BENCHMARKS                   1
#define CONFIG_MAX_NUM_NODES                   KEEL_CONFIG_MAX_NUM_NODES
#define CONFIG_ROOT_CNODE_SIZE_BITS            KEEL_CONFIG_ROOT_CNODE_SIZE_BITS
#define CONFIG_NUM_PRIORITIES                  KEEL_CONFIG_NUM_PRIORITIES
#define CONFIG_NUM_DOMAINS                     KEEL_CONFIG_NUM_DOMAINS
#define CONFIG_RETYPE_FAN_OUT_LIMIT            KEEL_CONFIG_RETYPE_FAN_OUT_LIMIT
#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS   KEEL_CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS
#define CONFIG_BOOT_THREAD_TIME_SLICE          KEEL_CONFIG_BOOT_THREAD_TIME_SLICE
#define CONFIG_KERNEL_WCET_SCALE               KEEL_CONFIG_KERNEL_WCET_SCALE
#define CONFIG_KERNEL_STATIC_MAX_PERIOD_US     KEEL_CONFIG_KERNEL_STATIC_MAX_PERIOD_US
#define CONFIG_PADDR_USER_DEVICE_TOP           KEEL_CONFIG_PADDR_USER_DEVICE_TOP
#define CONFIG_TIMER_CLOCK_HZ                  KEEL_TIMER_CLOCK_HZ
#define CONFIG_USER_TOP                        seL4_UserTop
