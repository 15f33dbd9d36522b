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
    X(ipc_endpoint_rights)
