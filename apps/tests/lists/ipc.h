/* Tests of ipc_tests.c and notification_tests.c, run in this order (see main.c).
 * One X(name) per test. */
#define IPC_TESTS(X)                                  \
    /* ipc_tests.c: messages */                       \
    X(ipc_send_to_waiting_receiver_all_lengths)       \
    X(ipc_recv_from_waiting_sender_all_lengths)       \
    X(ipc_call_waiting_server_all_lengths)            \
    X(ipc_caller_waiting_all_lengths)
