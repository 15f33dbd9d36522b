/* Tests of ipc_tests.c, run in this order (see main.c). One X(name) per test. */
#define IPC_TESTS(X)
