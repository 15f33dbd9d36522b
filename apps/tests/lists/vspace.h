/* Tests of vspace_tests.c and pager_tests.c, run in this order (see main.c). One X(name)
 * per test. */
#define VSPACE_TESTS(X)                      \
    /* pager_tests.c: own VSpaces, ABI (f) */ \
    X(pager_demand_paging)                   \
    X(pager_write_fault_upgrade)             \
    X(pager_vm_fault_reply_label_ignored)    \
    X(pager_shared_memory_two_vspaces)       \
    X(pager_vm_fault_no_handler)
