/*
 * Keel QEMU test root task: runs every test in TEST_LIST in order and prints one
 * "[test] <name>: PASS|FAIL <reason>" line each, then "[test] all done"
 * (the protocol of tools/run-qemu-test.py). Boot tests come first, before the
 * allocator hands out any slot or memory.
 */
#include "framework.h"
#include "lists/vspace.h"
#include "lists/sched.h"
#include "lists/ipc.h"
#include "lists/isolation.h"

const char *__keel_progname = "tests";

#define TEST_LIST(X)                                  \
    /* boot_tests.c: ABI (g) */                       \
    X(boot_bootinfo_fields)                           \
    X(boot_initial_caps)                              \
    X(boot_extra_bootinfo)                            \
    X(boot_untypeds)                                  \
    /* syscall_tests.c: ABI (a), (f), (l) */          \
    X(syscall_debug_putchar)                          \
    X(syscall_debug_cap_identify_registers)           \
    X(syscall_unknown_syscall_fault)                  \
    X(syscall_garbage_every_number)                   \
    /* fault_tests.c: ABI (f) */                      \
    X(fault_undefined_instruction)                    \
    X(fault_user_exception_reply_error_stops_thread)  \
    X(fault_undefined_instruction_no_handler)         \
    X(fault_unknown_syscall_restart)                  \
    X(fault_unknown_syscall_reply_error_stops_thread) \
    X(fault_cap_fault)                                \
    X(fault_cap_fault_message_length)                 \
    X(fault_vm_fault_data)                            \
    X(fault_vm_fault_instruction)                     \
    /* cnode_tests.c: ABI (c), (e), INVOCATIONS */    \
    X(cnode_copy_mint_move)                           \
    X(cnode_copy_mint_errors)                         \
    X(cnode_mutate)                                   \
    X(cnode_rotate)                                   \
    X(cnode_delete_revoke)                            \
    X(cnode_lookup_two_level)                         \
    X(cnode_illegal_labels)                           \
    /* untyped_tests.c: ABI (d), (e) */               \
    X(untyped_retype_every_type)                      \
    X(untyped_retype_errors)                          \
    X(untyped_not_enough_memory)                      \
    X(untyped_alignment_reset_zeroing)                \
    X(untyped_device)                                 \
    X(untyped_retype_into_other_cnode)                \
    X(untyped_revoke_reclaim_100x)                    \
    VSPACE_TESTS(X)                                   \
    SCHED_TESTS(X)                                    \
    IPC_TESTS(X)                                      \
    ISOLATION_TESTS(X)

#define DECLARE(name) TEST(name);
TEST_LIST(DECLARE)
#undef DECLARE

#define ENTRY(name) {#name, test_##name},
static const struct test_desc tests[] = {TEST_LIST(ENTRY)};
#undef ENTRY

/* framework.c */
void test_reset_failure(void);
const char *test_failure_reason(void);

int main(void)
{
    unsigned n = sizeof(tests) / sizeof(tests[0]);
    unsigned failed = 0;

    test_bootinfo = seL4_GetBootInfo();
    if (test_bootinfo == NULL) {
        tprintf("[test] environment: FAIL no bootinfo\n[test] all done\n");
        return 1;
    }
    alloc_init(test_bootinfo);
    tprintf("tests: %u tests\n", n);

    for (unsigned i = 0; i < n; i++) {
        test_reset_failure();
        test_current_name = tests[i].name;
        tests[i].fn();
        thread_destroy_all();
        if (test_failed()) {
            failed++;
            tprintf("[test] %s: FAIL %s\n", tests[i].name, test_failure_reason());
        } else {
            tprintf("[test] %s: PASS\n", tests[i].name);
        }
    }
    tprintf("tests: %u of %u failed\n", failed, n);
    tprintf("[test] all done\n");
    /* Stop QEMU right away (the runner would otherwise wait for its grace period). */
    seL4_DebugHalt();
    return failed ? 1 : 0;
}
