/* Tests of tcb_tests.c and sched_tests.c, run in this order (see main.c). One X(name) per
 * test. Time-dependent scheduling tests (budgets, timeouts, CPU shares) are in the
 * apps/schedtest image, which runs under -icount. */
#define SCHED_TESTS(X)                          \
    /* tcb_tests.c: TCB invocations, ABI (i), (m) */ \
    X(tcb_read_write_registers)                 \
    X(tcb_write_registers_reach_thread)         \
    X(tcb_read_registers_of_stopped_thread)     \
    X(tcb_copy_registers)                       \
    X(tcb_suspend_resume)                       \
    X(tcb_priority_mcp_checks)                  \
    X(sched_priority_order)                     \
    X(sched_yield_round_robin)                  \
    X(tcb_configure)                            \
    X(tcb_set_space)                            \
    X(tcb_set_ipc_buffer)                       \
    X(tcb_set_timeout_endpoint)                 \
    X(tcb_bind_notification)                    \
    X(tcb_set_sched_params)                     \
    X(tcb_set_flags_fpu_disabled)               \
    X(tcb_fpu_disabled_while_owner)             \
    X(tcb_fpu_state_preserved)                  \
    X(tcb_invalid_labels)                       \
    /* sched_tests.c: MCS objects, ABI (k) */   \
    X(sched_configure_flags_errors)             \
    X(sched_context_bind_unbind)                \
    X(sched_passive_notification)               \
    X(sched_passive_server)                     \
    X(sched_consumed)                           \
    X(sched_yield_to)                           \
    X(sched_domain_set)                         \
    X(sched_debug_dump_scheduler)
