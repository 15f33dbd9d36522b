/*
 * Host tests of the FDT parser (kernel/lib/fdt.c) on the DTB QEMU 'virt' generates for
 * -cpu cortex-a53 -m 1G (the build dumps it; its path is argv[1]).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <lib/fdt.h>

static const char *dtb_path;
static uint8_t *dtb;
static size_t dtb_len;

static int load_dtb(void **state)
{
    (void)state;
    FILE *f = fopen(dtb_path, "rb");
    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    dtb_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    dtb = malloc(dtb_len);
    size_t got = fread(dtb, 1, dtb_len, f);
    fclose(f);
    return got == dtb_len ? 0 : -1;
}

static int free_dtb(void **state)
{
    (void)state;
    free(dtb);
    return 0;
}

static fdt_t open_fdt(void)
{
    fdt_t fdt;
    assert_int_equal(fdt_init(&fdt, dtb, dtb_len), 0);
    return fdt;
}

static void test_header(void **state)
{
    (void)state;
    fdt_t fdt = open_fdt();
    assert_int_equal(fdt_total_size(dtb), dtb_len);
    assert_int_equal(fdt.total_size, dtb_len);
    /* QEMU pads its blob to 1 MiB; the content is a few KiB. */
    uint32_t used = fdt_used_size(&fdt);
    assert_true(used > 1024 && used < 64 * 1024);
    assert_true(used <= fdt.total_size);
}

static void test_memory_node(void **state)
{
    (void)state;
    fdt_t fdt = open_fdt();
    int mem = fdt_find_node(&fdt, -1, "memory");
    assert_true(mem >= 0);
    assert_string_equal(fdt_node_name(&fdt, mem), "memory@40000000");
    assert_int_equal(fdt_parent(&fdt, mem), fdt_root(&fdt));

    uint64_t base = 0, size = 0;
    assert_int_equal(fdt_get_reg(&fdt, mem, 0, &base, &size), 0);
    assert_int_equal(base, 0x40000000ull);
    assert_int_equal(size, 0x40000000ull);          /* MEM=1G */
    assert_int_equal(fdt_get_reg(&fdt, mem, 1, &base, &size), -1);

    uint32_t len = 0;
    const char *type = fdt_get_prop(&fdt, mem, "device_type", &len);
    assert_non_null(type);
    assert_int_equal(len, 7);
    assert_string_equal(type, "memory");
    assert_int_equal(fdt_find_node(&fdt, mem, "memory"), -1);   /* only one */
}

static void test_devices(void **state)
{
    (void)state;
    fdt_t fdt = open_fdt();
    uint64_t base, size;

    int uart = fdt_find_compatible(&fdt, -1, "arm,pl011");
    assert_true(uart >= 0);
    assert_int_equal(fdt_get_reg(&fdt, uart, 0, &base, &size), 0);
    assert_int_equal(base, 0x9000000);
    assert_int_equal(size, 0x1000);

    int gic = fdt_find_compatible(&fdt, -1, "arm,cortex-a15-gic");
    assert_true(gic >= 0);
    assert_int_equal(fdt_get_reg(&fdt, gic, 0, &base, &size), 0);
    assert_int_equal(base, 0x8000000);              /* distributor */
    assert_int_equal(fdt_get_reg(&fdt, gic, 1, &base, &size), 0);
    assert_int_equal(base, 0x8010000);              /* CPU interface */

    /* Timer interrupts: PPI 13, 14, 11, 10 (the kernel uses the third: 11 = INTID 27). */
    int timer = fdt_find_compatible(&fdt, -1, "arm,armv8-timer");
    assert_true(timer >= 0);
    uint32_t len;
    const uint8_t *irqs = fdt_get_prop(&fdt, timer, "interrupts", &len);
    assert_non_null(irqs);
    assert_int_equal(len, 4 * 12);
    assert_int_equal(fdt_read_cells(irqs + 4 * 7, 1), 11);

    int psci = fdt_find_node(&fdt, -1, "psci");
    assert_true(psci >= 0);
    const char *method = fdt_get_prop(&fdt, psci, "method", &len);
    assert_non_null(method);
    assert_string_equal(method, "hvc");
}

static void test_cells_and_defaults(void **state)
{
    (void)state;
    fdt_t fdt = open_fdt();
    int root = fdt_root(&fdt);
    assert_int_equal(root, 0);
    assert_string_equal(fdt_node_name(&fdt, root), "");
    assert_int_equal(fdt_parent(&fdt, root), -1);
    assert_int_equal(fdt_get_u32(&fdt, root, "#address-cells", 0), 2);
    assert_int_equal(fdt_get_u32(&fdt, root, "#size-cells", 0), 2);
    assert_int_equal(fdt_get_u32(&fdt, root, "no-such-property", 77), 77);
    assert_null(fdt_get_prop(&fdt, root, "no-such-property", NULL));
    assert_int_equal(fdt_find_node(&fdt, -1, "no-such-node"), -1);
    /* "memory" must not match a longer name that merely starts with it. */
    assert_int_equal(fdt_find_node(&fdt, -1, "mem"), -1);

    /* Nested nodes: a cpu is a child of /cpus. */
    int cpu = fdt_find_node(&fdt, -1, "cpu");
    assert_true(cpu >= 0);
    int cpus = fdt_parent(&fdt, cpu);
    assert_string_equal(fdt_node_name(&fdt, cpus), "cpus");
    uint64_t id, size;
    assert_int_equal(fdt_get_reg(&fdt, cpu, 0, &id, &size), 0);   /* #size-cells = 0 */
    assert_int_equal(id, 0);
    assert_int_equal(size, 0);
}

static void test_depth_walk(void **state)
{
    (void)state;
    fdt_t fdt = open_fdt();
    int depth = 0, max_depth = 0, nodes = 1;
    for (int n = fdt_next_node(&fdt, fdt_root(&fdt), &depth); n >= 0;
         n = fdt_next_node(&fdt, n, &depth)) {
        assert_true(depth >= 1);
        nodes++;
        if (depth > max_depth)
            max_depth = depth;
    }
    assert_true(nodes > 20);
    assert_true(max_depth >= 2);
}

static void test_rejects_bad_blobs(void **state)
{
    (void)state;
    fdt_t fdt;
    uint8_t *copy = malloc(dtb_len);

    assert_int_equal(fdt_init(&fdt, NULL, 100), -1);
    assert_int_equal(fdt_init(&fdt, dtb, 39), -1);                 /* shorter than header */
    assert_int_equal(fdt_init(&fdt, dtb, dtb_len - 1), -1);        /* truncated */

    memcpy(copy, dtb, dtb_len);
    copy[0] ^= 0xff;                                                /* magic */
    assert_int_equal(fdt_init(&fdt, copy, dtb_len), -1);
    assert_int_equal(fdt_total_size(copy), 0);

    memcpy(copy, dtb, dtb_len);
    copy[8] = 0xff;                                                 /* off_dt_struct */
    assert_int_equal(fdt_init(&fdt, copy, dtb_len), -1);

    /* A structure block cut short: lookups fail cleanly instead of overrunning. */
    memcpy(copy, dtb, dtb_len);
    copy[36] = 0; copy[37] = 0; copy[38] = 0; copy[39] = 64;        /* size_dt_struct */
    assert_int_equal(fdt_init(&fdt, copy, dtb_len), 0);
    assert_int_equal(fdt_find_node(&fdt, -1, "memory"), -1);
    free(copy);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s QEMU-VIRT-1G.dtb\n", argv[0]);
        return 2;
    }
    dtb_path = argv[1];

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_memory_node),
        cmocka_unit_test(test_devices),
        cmocka_unit_test(test_cells_and_defaults),
        cmocka_unit_test(test_depth_walk),
        cmocka_unit_test(test_rejects_bad_blobs),
    };
    return cmocka_run_group_tests_name("fdt", tests, load_dtb, free_dtb);
}
