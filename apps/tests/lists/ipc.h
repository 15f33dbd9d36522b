/* Tests of ipc_tests.c and notification_tests.c, run in this order (see main.c).
 * One X(name) per test. */
#define IPC_TESTS(X)                                  \
    /* ipc_tests.c: messages */                       \
    X(ipc_send_to_waiting_receiver_all_lengths)       \
    X(ipc_recv_from_waiting_sender_all_lengths)       \
    X(ipc_call_waiting_server_all_lengths)            \
    X(ipc_caller_waiting_all_lengths)                 \
    X(ipc_nonblocking_nobody_waiting)                 \
    X(ipc_nbsendrecv)                                 \
    X(ipc_nbsend_phase_replies)                       \
    X(ipc_nbsendwait)                                 \
    X(ipc_call_to_wait_leaves_caller_inactive)        \
    X(ipc_without_ipc_buffer)                         \
    X(ipc_msginfo_fields)                             \
    X(ipc_endpoint_rights)                            \
    /* ipc_tests.c: capability transfer */           \
    X(ipc_cap_transfer_grant)                         \
    X(ipc_cap_transfer_receive_slot)                  \
    X(ipc_cap_transfer_unwrap)                        \
    X(ipc_cap_transfer_from_waiting_sender)           \
    X(ipc_cap_transfer_unresolvable_extra_cap)        \
    X(ipc_cap_transfer_in_reply)                      \
    X(ipc_grant_reply_rights)                         \
    /* ipc_tests.c: reply objects, deletion, order */ \
    X(ipc_reply_object_reuse_aborts_caller)           \
    X(ipc_reply_object_two_receivers)                 \
    X(ipc_reply_twice_and_unused)                     \
    X(ipc_delete_endpoint_with_waiters)               \
    X(ipc_cancel_badged_sends)                        \
    X(ipc_delete_tcb_mid_ipc)                         \
    X(ipc_delete_reply_object)                        \
    X(ipc_suspend_resume_mid_ipc)                     \
    X(ipc_wakeup_priority)                            \
    X(ipc_libsel4_stubs)                              \
    X(ipc_send_queue_order)                           \
    X(ipc_recv_queue_order)                           \
    X(ipc_queue_reorder_on_priority_change)           \
    /* ipc_tests.c: passive servers, SC donation */   \
    X(ipc_passive_server)                             \
    X(ipc_passive_server_chain)                       \
    X(ipc_passive_delete_reply_returns_sc)            \
    X(ipc_passive_server_deleted)                     \
    X(ipc_passive_caller_deleted)                     \
    X(ipc_passive_chain_delete_bottom_reply)          \
    X(ipc_nbsendrecv_donates_to_passive_receiver)     \
    X(ipc_passive_server_abandons_call)               \
    X(ipc_passive_chain_delete_middle_reply)          \
    X(ipc_passive_fault_handler)                      \
    /* notification_tests.c */                        \
    X(ntfn_signal_wait_poll)                          \
    X(ntfn_unbadged_signal)                           \
    X(ntfn_waiter_order)                              \
    X(ntfn_rights)                                    \
    X(ntfn_bound_notification)                        \
    X(ntfn_bind_rules)                                \
    X(ntfn_delete_with_waiters)                       \
    X(ntfn_delete_waiting_tcb)                        \
    X(ntfn_combined_send_phase)                       \
    X(ntfn_sched_context_lent_to_passive_waiter)      \
    X(ntfn_lent_sc_donated_along_call)                \
    X(ntfn_bound_thread_blocked_elsewhere)
