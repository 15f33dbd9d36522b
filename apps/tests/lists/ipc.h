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
    X(ipc_grant_reply_rights)
