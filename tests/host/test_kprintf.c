/* Host tests of the kernel's printf (kernel/lib/kprintf.c), through ksnprintf. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <keel/kernel.h>

/* kprintf's console; the fake arch provides the real one when it is linked in. */
__attribute__((weak)) void plat_console_putchar(char c) { (void)c; }

#define CHECK(expect, ...)                                      \
    do {                                                        \
        char buf_[128];                                         \
        int n_ = ksnprintf(buf_, sizeof(buf_), __VA_ARGS__);    \
        assert_string_equal(buf_, expect);                      \
        assert_int_equal(n_, strlen(expect));                   \
    } while (0)

static void test_integers(void **state)
{
    (void)state;
    CHECK("0 -1 42", "%d %i %u", 0, -1, 42u);
    CHECK("-9223372036854775808", "%ld", (long)INT64_MIN);
    CHECK("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    CHECK("ffffffffffffffff FF", "%llx %X", (unsigned long long)UINT64_MAX, 255u);
    CHECK("12345", "%zu", (size_t)12345);
    CHECK("-128 255", "%hhd %hhu", -128, 255);
    CHECK("0x0 0xdeadbeef", "%p %p", (void *)0, (void *)0xdeadbeef);
}

static void test_width_and_padding(void **state)
{
    (void)state;
    CHECK("   42", "%5d", 42);
    CHECK("00042", "%05d", 42);
    CHECK("42   |", "%-5d|", 42);
    CHECK("-0042", "%05d", -42);
    CHECK("  -42", "%5d", -42);
    CHECK("0000beef", "%08x", 0xbeef);
    CHECK("ab   |  cd", "%-5s|%4s", "ab", "cd");
    CHECK("   x", "%*c", 4, 'x');
    CHECK("123456", "%3d", 123456);     /* width is a minimum */
}

static void test_strings_and_misc(void **state)
{
    (void)state;
    CHECK("hello, world", "%s, %s", "hello", "world");
    const char *volatile null_string = NULL;    /* hidden from gcc's format check */
    CHECK("(null)", "%s", null_string);
    CHECK("100%", "%d%%", 100);
    CHECK("c", "%c", 'c');
}

static void test_truncation(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    int n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");
    assert_int_equal(n, 10);                    /* the untruncated length */
    assert_string_equal(buf, "0123456");        /* always terminated */
    assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);
    buf[0] = 'X';
    assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
    assert_int_equal(buf[0], '\0');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_width_and_padding),
        cmocka_unit_test(test_strings_and_misc),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests_name("kprintf", tests, NULL, NULL);
}
