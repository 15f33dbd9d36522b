/*
 * sos-libtest: tests of SOS's libraries (cspace, ut, frametable, cpio, elf, process) on
 * the real kernel. Each test prints "[test] <name>: PASS" or "[test] <name>: FAIL <why>".
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sel4/sel4.h>
#include <process/rootenv.h>

/* Record the first failure of the running test (printf format). */
void fail_at(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fail_at(__LINE__, "%s", #cond);                                          \
            return;                                                                  \
        }                                                                            \
    } while (0)

#define CHECK_MSG(cond, ...)                                                         \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fail_at(__LINE__, __VA_ARGS__);                                          \
            return;                                                                  \
        }                                                                            \
    } while (0)

extern root_env_t env;
extern seL4_CPtr test_ep;       /* an endpoint in env.cspace */

/* Tests (cspace_ut_tests.c, process_tests.c). */
void test_cspace_root_grows(void);
void test_cspace_two_level(void);
void test_cspace_one_level(void);
void test_ut_buddy(void);
void test_ut_realloc_same(void);
void test_ut_device(void);
void test_frametable(void);
void test_cpio(void);
void test_elf_check(void);
void test_elf_load_hello(void);
void test_process_memory_returns(void);
void test_thread(void);
