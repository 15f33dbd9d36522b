/*
 * Test monitor for the Keel user runtime (see start.S).
 *
 * Memory: the user program's flat binary (objcopy -O binary, first byte at its link
 * address 0x400000) is placed by QEMU at physical USER_PA, its entry point as a
 * 64-bit word at ENTRY_PA. VA [0x400000, 0x800000) maps to USER_PA (user RW); the
 * IPC buffer and a fake bootinfo sit at the top of that window.
 *
 * Emulated: DebugPutChar, DebugDumpScheduler, DebugCapIdentify, DebugNameThread,
 * DebugHalt, Yield and Call (TCB_Suspend ends the run; Page_GetAddress and
 * TCB_SetFlags succeed with a result; every other label fails with
 * IllegalOperation and MR0..3 = 7..10). QEMU exits through semihosting.
 */
#include <stdint.h>
#include <stddef.h>
#include <keel/abi_gen.h>

#define UART     ((volatile uint32_t *)0x09000000)
#define USER_PA  0x48000000ul
#define ENTRY_PA 0x47fffff8ul
#define USER_VA  0x400000ul
#define IPC_VA   0x7fe000ul
#define BI_VA    0x7ff000ul

void mon_enter_el0(uint64_t entry, uint64_t bootinfo);

static void out(char c)
{
    if (c == '\n') {
        *UART = '\r';
    }
    *UART = (uint32_t)(unsigned char)c;
}

static void outs(const char *s)
{
    while (*s) {
        out(*s++);
    }
}

static void outx(uint64_t v)
{
    outs("0x");
    for (int i = 60; i >= 0; i -= 4) {
        out("0123456789abcdef"[(v >> i) & 15]);
    }
}

static void mon_exit(int failed)
{
    static uint64_t block[2];
    block[0] = failed ? 0x20024 /* RunTimeErrorUnknown */ : 0x20026 /* ApplicationExit */;
    block[1] = (uint64_t)failed;
    register uint64_t x0 __asm__("x0") = 0x18;   /* SYS_EXIT */
    register uint64_t x1 __asm__("x1") = (uint64_t)block;
    __asm__ volatile("hlt #0xf000" : : "r"(x0), "r"(x1) : "memory");
    for (;;) {
    }
}

void mon_unexpected(uint64_t esr, uint64_t elr, uint64_t far)
{
    outs("\n[monitor] unexpected exception: esr=");
    outx(esr);
    outs(" elr=");
    outx(elr);
    outs(" far=");
    outx(far);
    outs("\n");
    mon_exit(1);
}

void mon_sync(uint64_t *r)
{
    uint64_t esr;
    __asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
    if ((esr >> 26) != 0x15) {
        uint64_t elr, far;
        __asm__ volatile("mrs %0, elr_el1" : "=r"(elr));
        __asm__ volatile("mrs %0, far_el1" : "=r"(far));
        mon_unexpected(esr, elr, far);
    }
    int64_t n = (int64_t)r[7];
    switch (n) {
    case KEEL_SYSCALL_DEBUG_PUT_CHAR:
        out((char)r[0]);
        break;
    case KEEL_SYSCALL_DEBUG_DUMP_SCHEDULER:
        outs("[monitor] DebugDumpScheduler\n");
        break;
    case KEEL_SYSCALL_DEBUG_CAP_IDENTIFY:
        r[0] = r[0] == seL4_CapInitThreadTCB ? cap_thread_cap :
               r[0] == seL4_CapInitThreadCNode ? cap_cnode_cap : cap_null_cap;
        break;
    case KEEL_SYSCALL_DEBUG_NAME_THREAD:
        outs("[monitor] DebugNameThread \"");
        outs((const char *)(IPC_VA + KEEL_DEBUG_NAME_OFFSET));
        outs("\"\n");
        break;
    case KEEL_SYSCALL_DEBUG_HALT:
        outs("[monitor] DebugHalt\n");
        mon_exit(0);
        break;
    case KEEL_SYSCALL_YIELD:
        break;
    case KEEL_SYSCALL_CALL: {
        uint64_t label = r[1] >> KEEL_MSGINFO_LABEL_SHIFT;
        if (label == TCBSuspend) {
            outs("[monitor] TCB_Suspend: end of run\n");
            mon_exit(0);
        }
        r[0] = 0;
        if (label == ARMPageGetAddress) {
            r[1] = 1;                       /* label 0, length 1 */
            r[2] = 0xabc000;
        } else if (label == TCBSetFlags) {
            r[1] = 1;
            r[2] = r[3] & seL4_TCBFlag_fpuDisabled;
        } else {
            r[1] = ((uint64_t)seL4_IllegalOperation << KEEL_MSGINFO_LABEL_SHIFT) | 4;
            r[2] = 7;
            r[3] = 8;
            r[4] = 9;
            r[5] = 10;
        }
        break;
    }
    default:
        outs("[monitor] unhandled syscall ");
        outx((uint64_t)n);
        outs("\n");
        mon_exit(1);
    }
}

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));

#define PTE_VALID_BLOCK 1ul
#define PTE_TABLE       3ul
#define PTE_AF          (1ul << 10)
#define PTE_USER_RW     (1ul << 6)
#define PTE_XN          (3ul << 53)
#define PTE_ATTR(i)     ((uint64_t)(i) << 2)

void mon_main(void)
{
    outs("[monitor] Keel user-runtime test monitor\n");
    l1[0] = (uint64_t)l2 | PTE_TABLE;
    l1[1] = 0x40000000ul | PTE_AF | PTE_ATTR(1) | PTE_VALID_BLOCK;    /* monitor RAM */
    for (uint64_t i = 0; i < 2; i++) {
        l2[(USER_VA >> 21) + i] = (USER_PA + (i << 21)) | PTE_AF | PTE_USER_RW | PTE_ATTR(1) |
                                  PTE_VALID_BLOCK;
    }
    l2[0x09000000 >> 21] = 0x09000000ul | PTE_AF | PTE_XN | PTE_ATTR(0) | PTE_VALID_BLOCK;
    __asm__ volatile("msr mair_el1, %0" : : "r"(0xff00ul));         /* 0: device, 1: normal WB */
    __asm__ volatile("msr tcr_el1, %0" : : "r"(25ul | (1ul << 8) | (1ul << 10) | (3ul << 12) |
                                               (1ul << 23)));
    __asm__ volatile("msr ttbr0_el1, %0\n isb" : : "r"((uint64_t)l1));
    uint64_t sctlr;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= 1ul | (1ul << 2) | (1ul << 12);    /* M, C, I */
    sctlr &= ~(1ul << 1);                        /* no alignment checking */
    __asm__ volatile("dsb sy\n tlbi vmalle1\n dsb sy\n isb\n msr sctlr_el1, %0\n isb" : : "r"(sctlr));

    uint64_t *bi = (uint64_t *)BI_VA;
    for (size_t i = 0; i < KEEL_BI_SIZE / 8; i++) {
        bi[i] = 0;
    }
    bi[KEEL_BI_OFF_numNodes / 8] = 1;
    bi[KEEL_BI_OFF_ipcBuffer / 8] = IPC_VA;
    bi[KEEL_BI_OFF_initThreadCNodeSizeBits / 8] = KEEL_ROOT_CNODE_SIZE_BITS;
    bi[KEEL_BI_OFF_empty / 8] = 200;
    bi[KEEL_BI_OFF_empty / 8 + 1] = 1u << KEEL_ROOT_CNODE_SIZE_BITS;
    bi[KEEL_BI_OFF_schedcontrol / 8] = 20;
    bi[KEEL_BI_OFF_schedcontrol / 8 + 1] = 21;
    bi[KEEL_BI_OFF_untyped / 8] = 100;
    bi[KEEL_BI_OFF_untyped / 8 + 1] = 102;
    uint8_t *ut = (uint8_t *)bi + KEEL_BI_OFF_untypedList;
    *(uint64_t *)(ut + KEEL_UTDESC_OFF_paddr) = 0x9000000;
    ut[KEEL_UTDESC_OFF_sizeBits] = 12;
    ut[KEEL_UTDESC_OFF_isDevice] = 1;
    ut += KEEL_UTDESC_SIZE;
    *(uint64_t *)(ut + KEEL_UTDESC_OFF_paddr) = 0x60000000;
    ut[KEEL_UTDESC_OFF_sizeBits] = 28;

    uint64_t entry = *(volatile uint64_t *)ENTRY_PA;
    outs("[monitor] entering EL0 at ");
    outx(entry);
    outs("\n");
    mon_enter_el0(entry, BI_VA);
}
