/*
 * sos-libtest: the root task. Builds the root environment with the libraries under
 * test, then runs the tests in order.
 */
#include <stdarg.h>
#include <string.h>
#include "libtest.h"

const char *__keel_progname = "sos-libtest";

root_env_t env;
seL4_CPtr test_ep;

static bool failed;
static char reason[200];

void fail_at(int line, const char *fmt, ...)
{
    if (failed) {
        return;
    }
    failed = true;
    int n = snprintf(reason, sizeof(reason), "line %d: ", line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason + n, sizeof(reason) - (size_t)n, fmt, ap);
    va_end(ap);
}

typedef struct test {
    const char *name;
    void (*fn)(void);
} test_t;

#define TEST(name) { #name, test_##name }

static const test_t tests[] = {
    TEST(cspace_root_grows),
    TEST(cspace_two_level),
    TEST(cspace_one_level),
    TEST(ut_buddy),
    TEST(ut_realloc_same),
    TEST(ut_device),
    TEST(frametable),
    TEST(cpio),
    TEST(elf_check),
    TEST(elf_load_hello),
    TEST(process_memory_returns),
    TEST(thread),
};

int main(void)
{
    if (root_env_init(&env, seL4_GetBootInfo()) != 0) {
        printf("[test] root_env_init: FAIL\n[test] all done\n");
        seL4_DebugHalt();
    }
    printf("[test] root_env_init: PASS\n");

    ut_t *ep_ut;
    test_ep = root_env_new_object(&env, seL4_EndpointObject, 0, seL4_EndpointBits, &ep_ut);

    unsigned failures = 0;
    for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        failed = false;
        tests[i].fn();
        if (failed) {
            failures++;
            printf("[test] %s: FAIL %s\n", tests[i].name, reason);
        } else {
            printf("[test] %s: PASS\n", tests[i].name);
        }
    }
    ut_stats_t s = ut_get_stats();
    printf("sos-libtest: %u failed; %lu of %lu KiB of RAM free, %u ut nodes, %lu frames\n",
           failures, s.free_bytes / 1024, s.total_bytes / 1024, s.nodes_in_use,
           (unsigned long)frame_table_used());
    printf("[test] all done\n");
    seL4_DebugHalt();
    return 0;
}
