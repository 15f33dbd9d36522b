/* Tests of isolation_tests.c, run in this order (see main.c). One X(name) per test. */
#define ISOLATION_TESTS(X)
