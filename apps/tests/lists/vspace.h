/* Tests of vspace_tests.c, run in this order (see main.c). One X(name) per test. */
#define VSPACE_TESTS(X)
