/*
 * Tests of the Keel user runtime and libsel4's user-side helpers. Runs as a root task,
 * either on Keel or on the test monitor (libs/crt/test/monitor), which emulates only
 * the debug syscalls and a few invocation replies; see `make user-runtime-test`.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sel4/sel4.h>
#include <sel4/keel.h>
#include <keel/runtime.h>

const char *__keel_progname = "rt-test";

static int passed, failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passed++;                                                                \
        } else {                                                                     \
            failed++;                                                                \
            printf("rt-test: FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
        }                                                                            \
    } while (0)

static void check_fmt(const char *expect, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check_fmt(const char *expect, const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (strcmp(buf, expect) == 0 && n == (int)strlen(expect)) {
        passed++;
    } else {
        failed++;
        printf("rt-test: FAIL format \"%s\": got \"%s\" (%d), want \"%s\"\n", fmt, buf, n, expect);
    }
}

static void test_printf(void)
{
    check_fmt("42 -7 3000000000", "%d %i %u", 42, -7, 3000000000u);
    check_fmt("   42|42   |00042", "%5d|%-5d|%05d", 42, 42, 42);
    check_fmt("+5  5", "%+d % d", 5, 5);
    check_fmt("ff FF 0xff 010", "%x %X %#x %#o", 255, 255, 255, 8);
    check_fmt("ffffffffffffffff 18446744073709551615", "%lx %lu", ~0ul, ~0ul);
    check_fmt("-9223372036854775808", "%ld", (long)(-9223372036854775807L - 1));
    check_fmt("77 -3", "%zu %zd", (size_t)77, (long)-3);
    check_fmt("abc|       abc|abc       |abc", "%s|%10s|%-10s|%.3s", "abc", "abc", "abc", "abcdef");
    check_fmt("ab|  z", "%c%c|%3c", 'a', 'b', 'z');
    check_fmt("100%", "%d%%", 100);
    check_fmt("0x1234", "%p", (void *)0x1234);
    check_fmt("00042 |     007", "%.5d |%8.3d", 42, 7);
    check_fmt("     1|2     ", "%*d|%-*d", 6, 1, 6, 2);
    check_fmt("0", "%#x", 0);
    check_fmt("0000000abc", "%010lx", 0xabcul);
    char small[5];
    CHECK(snprintf(small, sizeof(small), "hello world") == 11 && strcmp(small, "hell") == 0);
}

static void test_string(void)
{
    char a[64], b[64];
    memset(a, 'x', sizeof(a));
    CHECK(a[0] == 'x' && a[63] == 'x');
    strcpy(a, "hello");
    CHECK(strlen(a) == 5 && strcmp(a, "hello") == 0 && strcmp(a, "hellp") < 0);
    CHECK(strncmp("abcdef", "abcxyz", 3) == 0 && strncmp("abcdef", "abcxyz", 4) < 0);
    memcpy(b, "0123456789", 11);
    memmove(b + 2, b, 8);
    CHECK(memcmp(b, "0101234567", 10) == 0);
    memmove(b, b + 2, 8);
    CHECK(memcmp(b, "0123456767", 10) == 0);
    CHECK(strchr("keel", 'e') != NULL && *strchr("keel", 'l') == 'l' && strchr("keel", 'z') == NULL);
    CHECK(strrchr("keel", 'e') - "keel" == 2);
    CHECK(strstr("microkernel", "kern") != NULL);
    strncpy(a, "ab", 4);
    CHECK(a[0] == 'a' && a[1] == 'b' && a[2] == 0 && a[3] == 0);
    CHECK(strtol("-123", NULL, 10) == -123 && strtoul("0x1f", NULL, 0) == 31 && atoi("77") == 77);
}

static void test_malloc(void)
{
    char *p = malloc(100);
    char *q = malloc(200);
    CHECK(p != NULL && q != NULL && p != q && ((uintptr_t)p & 15) == 0);
    memset(p, 1, 100);
    memset(q, 2, 200);
    CHECK(p[99] == 1 && q[0] == 2);
    int *z = calloc(10, sizeof(int));
    CHECK(z != NULL && z[0] == 0 && z[9] == 0);
    char *r = realloc(p, 1000);
    CHECK(r != NULL && r[0] == 1 && r[99] == 1);
    void *al = aligned_alloc(4096, 10);
    CHECK(al != NULL && ((uintptr_t)al & 4095) == 0);
    free(al);
    CHECK(malloc((size_t)1 << 40) == NULL && errno == ENOMEM);
    unsigned seed = 1, seed2 = 1;
    CHECK(rand_r(&seed) == rand_r(&seed2));
}

static __thread int tls_counter = 5;
static __thread char tls_zeroed[32];

static void test_tls(void)
{
    CHECK(tls_counter == 5);
    CHECK(tls_zeroed[0] == 0 && tls_zeroed[31] == 0);
    tls_counter++;
    CHECK(tls_counter == 6);
    /* A second TLS block, as for a new thread: fresh copy of the image. */
    static char area[512] __attribute__((aligned(16)));
    CHECK(keel_tls_size() <= sizeof(area));
    seL4_Word tp = keel_tls_init(area, sizeof(area));
    CHECK(tp != 0);
    seL4_Word my_tp;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(my_tp));
    uintptr_t off = (uintptr_t)&tls_counter - my_tp;
    CHECK(*(int *)(tp + off) == 5);
    keel_tls_set_ipc_buffer(tp, (seL4_IPCBuffer *)0x1000);
    CHECK(*(seL4_IPCBuffer **)(tp + ((uintptr_t)&__sel4_ipc_buffer - my_tp)) == (seL4_IPCBuffer *)0x1000);
    CHECK(keel_tls_init(area, 8) == 0);
}

static void test_sel4_types(void)
{
    seL4_BootInfo *bi = seL4_GetBootInfo();
    CHECK(bi != NULL && keel_is_root_task());
    CHECK(seL4_GetIPCBuffer() == bi->ipcBuffer);
    CHECK(bi->initThreadCNodeSizeBits == KEEL_ROOT_CNODE_SIZE_BITS);

    seL4_MessageInfo_t m = seL4_MessageInfo_new(0x12345, 5, 3, 120);
    CHECK(seL4_MessageInfo_get_label(m) == 0x12345 && seL4_MessageInfo_get_capsUnwrapped(m) == 5 &&
          seL4_MessageInfo_get_extraCaps(m) == 3 && seL4_MessageInfo_get_length(m) == 120);
    CHECK(m.words[0] == ((0x12345ul << 12) | (5ul << 9) | (3ul << 7) | 120ul));
    m = seL4_MessageInfo_set_length(m, 2);
    CHECK(seL4_MessageInfo_get_length(m) == 2 && seL4_MessageInfo_get_label(m) == 0x12345);

    CHECK(seL4_AllRights.words[0] == 0xf && seL4_ReadWrite.words[0] == 0x3 &&
          seL4_CanWrite.words[0] == 0x1 && seL4_CanGrantReply.words[0] == 0x8);
    CHECK(seL4_CapRights_new(1, 0, 1, 0).words[0] == 0xa);
    CHECK(seL4_CNode_CapData_new(0x5, 51).words[0] == ((0x5ul << 6) | 51));
    CHECK(seL4_MaxExtraRefills(8) == 8 && seL4_MaxExtraRefills(7) == 0);

    seL4_SetMR(0, 0x11);
    seL4_SetMR(119, 0x22);
    CHECK(seL4_GetMR(0) == 0x11 && seL4_GetMR(119) == 0x22);
    CHECK((uintptr_t)&seL4_GetIPCBuffer()->caps_or_badges[0] - (uintptr_t)seL4_GetIPCBuffer() == 976);
}

static void test_invocations(void)
{
    seL4_ARM_Page_GetAddress_t ga = seL4_ARM_Page_GetAddress(50);
    if (keel_start_arg() == 0 && ga.error == seL4_NoError && ga.paddr == 0xabc000) {
        /* Running on the test monitor: it answers with fixed values. */
        passed++;
        seL4_TCB_SetFlags_t f = seL4_TCB_SetFlags(seL4_CapInitThreadTCB, 0, seL4_TCBFlag_fpuDisabled);
        CHECK(f.error == seL4_NoError && f.flags == seL4_TCBFlag_fpuDisabled);
        seL4_Error e = seL4_CNode_Delete(seL4_CapInitThreadCNode, 12345, 64);
        CHECK(e == seL4_IllegalOperation);
        CHECK(seL4_GetMR(0) == 7 && seL4_GetMR(3) == 10);
    }
}

int main(void)
{
    printf("rt-test: start\n");
    test_printf();
    test_string();
    test_malloc();
    test_tls();
    test_sel4_types();
    test_invocations();
    assert(passed > 0);
    seL4_DebugNameThread(seL4_CapInitThreadTCB, "rt-test");
    printf("rt-test: %d passed, %d failed\n", passed, failed);
    printf("rt-test: done\n");
    return failed;
}
