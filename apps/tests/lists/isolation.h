/* Tests of isolation_tests.c, run in this order (see main.c). One X(name) per test. */
#define ISOLATION_TESTS(X)                 \
    X(iso_only_given_caps)                 \
    X(iso_derived_rights_never_grow)       \
    X(iso_badges_cannot_be_forged)         \
    X(iso_device_memory)                   \
    X(iso_other_vspaces_unreachable)       \
    X(iso_faulting_and_looping_threads)
