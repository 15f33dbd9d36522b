/*
 * drivertest: a small test harness and the environment the tests share.
 *
 * Each test is `TEST(name) { ... }`, listed in main.c. The runner prints exactly one
 * line per test, "[test] <name>: PASS" or "[test] <name>: FAIL <reason>", and finally
 * "[test] all done". CHECK* record the first failure and return from the test.
 * Helpers report failure by returning false after recording it (use TRY()).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sel4/sel4.h>
#include <mapping/mapping.h>
#include <simple_alloc/simple_alloc.h>

/* ---- results --------------------------------------------------------------------------- */

void test_fail_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool test_failed(void);
const char *error_name(seL4_Word err);

#define FAIL(...)                                                                    \
    do {                                                                             \
        test_fail_at(__FILE__, __LINE__, __VA_ARGS__);                               \
        return;                                                                      \
    } while (0)

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            FAIL("CHECK(%s)", #cond);                                                \
        }                                                                            \
    } while (0)

#define CHECK_EQ(a, b)                                                               \
    do {                                                                             \
        uint64_t got_ = (uint64_t)(a), want_ = (uint64_t)(b);                        \
        if (got_ != want_) {                                                         \
            FAIL("%s: got %lu (0x%lx), want %lu (0x%lx)", #a, got_, got_, want_, want_); \
        }                                                                            \
    } while (0)

#define CHECK_ERR(expr, want)                                                        \
    do {                                                                             \
        seL4_Word got_ = (seL4_Word)(expr), want_ = (seL4_Word)(want);               \
        if (got_ != want_) {                                                         \
            FAIL("%s: got %s, want %s", #expr, error_name(got_), error_name(want_)); \
        }                                                                            \
    } while (0)

#define CHECK_OK(expr) CHECK_ERR(expr, seL4_NoError)

/* Helpers return bool; on false they have recorded the failure. */
#define TRY(expr)                                                                    \
    do {                                                                             \
        if (!(expr)) {                                                               \
            return;                                                                  \
        }                                                                            \
    } while (0)

#define TEST(name) void test_##name(void)

typedef struct test_case {
    const char *name;
    void (*fn)(void);
} test_case_t;

#define TEST_CASE(name) { #name, test_##name }

/* Run the tests in order; returns the number that failed. */
unsigned run_tests(const test_case_t *tests, unsigned count);

/* ---- environment ------------------------------------------------------------------------- */

extern seL4_BootInfo *env_bootinfo;
extern simple_alloc_t env_alloc;
extern mapping_alloc_t env_mapping;

void env_init(seL4_BootInfo *bi);

/* Fresh slot / object in the root CNode; 0 after recording a failure. */
seL4_CPtr env_slot(void);
seL4_CPtr env_object(seL4_Word type, seL4_Word size_bits);
/* A copy of src (root CNode) with the given rights and badge; 0 after a failure. */
seL4_CPtr env_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
/* Delete the cap in a root CNode slot; returns the kernel's answer. */
seL4_Error env_delete(seL4_CPtr slot);
/* Unused virtual address range of `pages` 4 KiB pages for test mappings. */
seL4_Word env_vaddr(seL4_Word pages);

/* IRQControl_Get for irq into a fresh slot of the root CNode. */
seL4_Error env_irq_get(seL4_Word irq, seL4_CPtr *handler);

/* ---- time (straight from the physical counter; needs CONFIG_EXPORT_PTIMER_USER) ---------- */

uint64_t counter_us(void);
uint64_t us_to_counter(uint64_t us);
void delay_us(uint64_t us);

/* ---- notifications ----------------------------------------------------------------------- */

/* Non-blocking: the pending badge bits, 0 if nothing was signalled. */
seL4_Word poll_signal(seL4_CPtr ntfn);
/* Poll until a signal arrives or timeout_us passes; the badge, or 0 on timeout. */
seL4_Word wait_signal(seL4_CPtr ntfn, uint64_t timeout_us);
