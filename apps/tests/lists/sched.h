/* Tests of sched_tests.c, run in this order (see main.c). One X(name) per test. */
#define SCHED_TESTS(X)
