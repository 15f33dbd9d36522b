/*
 * libs/mapping: normal frames with missing page tables, and device frames at an exact
 * physical address (the PL011, checked through its identification registers).
 */
#include <serial/serial.h>
#include "harness.h"
#include "tests.h"

/* A virtual address in a 512 GiB region of its own: levels 1, 2 and 3 are all missing. */
#define FRESH_REGION_VADDR 0x0000008000000000ul
#define PAGE_SIZE          (1ul << seL4_PageBits)

/* PL011 identification registers (PrimeCell UART, QEMU's values). */
#define PL011_PERIPH_ID0   0xfe0
#define PL011_PCELL_ID0    0xff0

static void *uart_vaddr;

void *drivertest_uart(void)
{
    if (uart_vaddr != NULL) {
        return uart_vaddr;
    }
    device_untyped_t ut;
    if (!device_untyped_find(env_bootinfo, SERIAL_PADDR, true, &ut)) {
        test_fail_at(__FILE__, __LINE__, "no device untyped covers 0x%lx", SERIAL_PADDR);
        return NULL;
    }
    seL4_Word vaddr = env_vaddr(1);
    seL4_Error err = map_device_frame(seL4_CapInitThreadCNode, &env_mapping,
                                      seL4_CapInitThreadVSpace, &ut, SERIAL_PADDR, vaddr, NULL);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "map_device_frame(UART): %s", error_name(err));
        return NULL;
    }
    uart_vaddr = (void *)vaddr;
    return uart_vaddr;
}

static uint32_t read_id_byte(volatile uint32_t *regs, unsigned offset, unsigned index)
{
    return regs[(offset + 4 * index) / sizeof(uint32_t)] & 0xff;
}

TEST(mapping_device_frame)
{
    volatile uint32_t *regs = drivertest_uart();
    TRY(regs != NULL);
    CHECK_EQ(read_id_byte(regs, PL011_PERIPH_ID0, 0), 0x11);
    CHECK_EQ(read_id_byte(regs, PL011_PERIPH_ID0, 1), 0x10);
    CHECK_EQ(read_id_byte(regs, PL011_PCELL_ID0, 0), 0x0d);
    CHECK_EQ(read_id_byte(regs, PL011_PCELL_ID0, 1), 0xf0);
    CHECK_EQ(read_id_byte(regs, PL011_PCELL_ID0, 2), 0x05);
    CHECK_EQ(read_id_byte(regs, PL011_PCELL_ID0, 3), 0xb1);
}

static bool map_new_frame(seL4_Word vaddr, seL4_CPtr *frame)
{
    *frame = env_object(seL4_ARM_SmallPageObject, 0);
    if (*frame == seL4_CapNull) {
        return false;
    }
    seL4_Error err = map_frame(seL4_CapInitThreadCNode, &env_mapping, seL4_CapInitThreadVSpace,
                               *frame, vaddr, seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
    if (err != seL4_NoError) {
        test_fail_at(__FILE__, __LINE__, "map_frame(0x%lx): %s", vaddr, error_name(err));
        return false;
    }
    return true;
}

TEST(mapping_creates_page_tables)
{
    seL4_CPtr first, second;
    seL4_Word slots_before = env_alloc.next_slot;
    TRY(map_new_frame(FRESH_REGION_VADDR, &first));
    /* frame + 3 tables, each table from its own untyped: 7 slots */
    CHECK_EQ(env_alloc.next_slot - slots_before, 7);

    slots_before = env_alloc.next_slot;
    TRY(map_new_frame(FRESH_REGION_VADDR + PAGE_SIZE, &second));
    CHECK_EQ(env_alloc.next_slot - slots_before, 1);

    volatile uint64_t *a = (volatile uint64_t *)FRESH_REGION_VADDR;
    volatile uint64_t *b = (volatile uint64_t *)(FRESH_REGION_VADDR + PAGE_SIZE);
    CHECK_EQ(a[0], 0);                 /* new RAM frames are zeroed */
    a[0] = 0x6b65656c;
    b[0] = ~0x6b65656cul;
    CHECK_EQ(a[0], 0x6b65656c);
    CHECK_EQ(b[0], ~0x6b65656cul);

    /* Mapping the same frame somewhere else is refused. */
    CHECK_ERR(seL4_ARM_Page_Map(first, seL4_CapInitThreadVSpace,
                                FRESH_REGION_VADDR + 2 * PAGE_SIZE, seL4_ReadWrite,
                                seL4_ARM_Default_VMAttributes),
              seL4_InvalidArgument);
}

TEST(mapping_find_untyped)
{
    device_untyped_t ut;
    CHECK(device_untyped_find(env_bootinfo, SERIAL_PADDR, true, &ut));
    CHECK(ut.paddr <= SERIAL_PADDR);
    CHECK(SERIAL_PADDR - ut.paddr < (1ul << ut.size_bits));
    CHECK(!device_untyped_find(env_bootinfo, SERIAL_PADDR, false, &ut));

    const seL4_BootInfo *bi = env_bootinfo;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice) {
            CHECK(device_untyped_find(bi, d->paddr, false, &ut));
            CHECK_EQ(ut.cap, bi->untyped.start + i);
            CHECK_EQ(ut.watermark, 0);
            return;
        }
    }
    FAIL("bootinfo lists no RAM untyped");
}
