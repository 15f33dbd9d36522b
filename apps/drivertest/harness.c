/*
 * drivertest harness: result reporting, object allocation and time helpers.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <timer/generic_timer.h>
#include "harness.h"

/* ---- results --------------------------------------------------------------------------- */

static bool current_failed;
static char current_reason[256];

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
    if (current_failed) {
        return;             /* keep the first reason */
    }
    current_failed = true;
    const char *base = strrchr(file, '/');
    int n = snprintf(current_reason, sizeof(current_reason), "%s:%d: ",
                     base != NULL ? base + 1 : file, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(current_reason + n, sizeof(current_reason) - (size_t)n, fmt, ap);
    va_end(ap);
    for (char *p = current_reason; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\r') {
            *p = ' ';       /* the reason stays on the result line */
        }
    }
}

bool test_failed(void)
{
    return current_failed;
}

const char *error_name(seL4_Word err)
{
    static const char *const names[] = {
        "NoError",    "InvalidArgument", "InvalidCapability", "IllegalOperation",
        "RangeError", "AlignmentError",  "FailedLookup",      "TruncatedMessage",
        "DeleteFirst", "RevokeFirst",    "NotEnoughMemory",
    };
    return err < sizeof(names) / sizeof(names[0]) ? names[err] : "?";
}

unsigned run_tests(const test_case_t *tests, unsigned count)
{
    unsigned failures = 0;
    for (unsigned i = 0; i < count; i++) {
        current_failed = false;
        current_reason[0] = '\0';
        tests[i].fn();
        if (current_failed) {
            failures++;
            printf("[test] %s: FAIL %s\n", tests[i].name, current_reason);
        } else {
            printf("[test] %s: PASS\n", tests[i].name);
        }
    }
    return failures;
}

/* ---- environment ------------------------------------------------------------------------- */

seL4_BootInfo *env_bootinfo;
simple_alloc_t env_alloc;
mapping_alloc_t env_mapping;

/* Test mappings go well above the root task's image, IPC buffer and bootinfo. */
#define ENV_VADDR_BASE 0x40000000ul
static seL4_Word next_vaddr = ENV_VADDR_BASE;

void env_init(seL4_BootInfo *bi)
{
    env_bootinfo = bi;
    simple_alloc_init(&env_alloc, bi);
    env_mapping = simple_alloc_mapping(&env_alloc);
}

seL4_CPtr env_slot(void)
{
    seL4_CPtr slot = simple_alloc_slot(&env_alloc);
    if (slot == seL4_CapNull) {
        test_fail_at(__FILE__, __LINE__, "out of CNode slots");
    }
    return slot;
}

seL4_CPtr env_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr cap = seL4_CapNull;
    seL4_Error err = simple_alloc_object(&env_alloc, type, size_bits, &cap);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "allocating object type %lu: %s", type,
                     error_name(err));
        return seL4_CapNull;
    }
    return cap;
}

seL4_CPtr env_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot = env_slot();
    if (slot == seL4_CapNull) {
        return seL4_CapNull;
    }
    seL4_Error err = seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, seL4_WordBits,
                                     seL4_CapInitThreadCNode, src, seL4_WordBits, rights, badge);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "CNode_Mint: %s", error_name(err));
        return seL4_CapNull;
    }
    return slot;
}

seL4_Error env_delete(seL4_CPtr slot)
{
    return seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
}

seL4_Word env_vaddr(seL4_Word pages)
{
    seL4_Word vaddr = next_vaddr;
    next_vaddr += (pages + 1) << seL4_PageBits;     /* one unmapped guard page between */
    return vaddr;
}

seL4_Error env_irq_get(seL4_Word irq, seL4_CPtr *handler)
{
    seL4_CPtr slot = env_slot();
    if (slot == seL4_CapNull) {
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = seL4_IRQControl_Get(seL4_CapIRQControl, irq, seL4_CapInitThreadCNode, slot,
                                         seL4_WordBits);
    if (err == seL4_NoError) {
        *handler = slot;
    }
    return err;
}

/* ---- time --------------------------------------------------------------------------------- */

static uint64_t counter_hz(void)
{
    uint64_t hz = gt_frequency();
    return hz != 0 ? hz : CONFIG_TIMER_CLOCK_HZ;
}

uint64_t counter_us(void)
{
    uint64_t ticks = gt_counter(), hz = counter_hz();
    return ticks / hz * 1000000u + ticks % hz * 1000000u / hz;
}

uint64_t us_to_counter(uint64_t us)
{
    uint64_t hz = counter_hz();
    return us / 1000000u * hz + us % 1000000u * hz / 1000000u;
}

void delay_us(uint64_t us)
{
    uint64_t end = gt_counter() + us_to_counter(us);
    while (gt_counter() < end) {
    }
}

/* ---- notifications ------------------------------------------------------------------------ */

seL4_Word poll_signal(seL4_CPtr ntfn)
{
    seL4_Word badge = 0;
    seL4_Poll(ntfn, &badge);
    return badge;
}

seL4_Word wait_signal(seL4_CPtr ntfn, uint64_t timeout_us)
{
    uint64_t end = gt_counter() + us_to_counter(timeout_us);
    do {
        seL4_Word badge = poll_signal(ntfn);
        if (badge != 0) {
            return badge;
        }
    } while (gt_counter() < end);
    return 0;
}
