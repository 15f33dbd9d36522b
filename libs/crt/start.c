/*
 * Keel user runtime: C part of program start-up (see crt0.S).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <sel4/sel4.h>
#include <keel/runtime.h>

extern char __bss_start[], __bss_end[];
typedef void (*keel_ctor_t)(void);
extern keel_ctor_t __init_array_start[], __init_array_end[];

/* Provided by the program. Root tasks may declare it as int main(void). */
extern int main(int argc, char **argv);

/* Static TLS for the first thread. */
#define KEEL_MAIN_TLS_BYTES 4096
static char main_tls[KEEL_MAIN_TLS_BYTES] __attribute__((aligned(64)));

static seL4_Word start_arg;
static int root_task;

seL4_Word keel_start_arg(void)
{
    return start_arg;
}

int keel_is_root_task(void)
{
    return root_task;
}

static void early_fail(const char *msg)
{
    seL4_DebugPutString("keel runtime: ");
    seL4_DebugPutString(msg);
    seL4_DebugPutString("\n");
    for (;;) {
        seL4_TCB_Suspend(seL4_CapInitThreadTCB);
    }
}

void __keel_start_c(seL4_BootInfo *bi, seL4_Word ipc_buffer, seL4_Word arg)
    __attribute__((noreturn, used));

void __keel_start_c(seL4_BootInfo *bi, seL4_Word ipc_buffer, seL4_Word arg)
{
    /* .bss first: everything below (TLS area, globals) lives there. The loader
     * normally zeroes it already; clearing again is cheap and makes us independent of it. */
    memset(__bss_start, 0, (size_t)(__bss_end - __bss_start));

    seL4_Word tp = keel_tls_init(main_tls, sizeof(main_tls));
    if (tp == 0) {
        early_fail("TLS image too large for the static TLS area");
    }
    __asm__ volatile("msr tpidr_el0, %0" : : "r"(tp) : "memory");

    if (bi != NULL) {
        root_task = 1;
        seL4_InitBootInfo(bi);
        seL4_SetIPCBuffer(bi->ipcBuffer);
    } else {
        seL4_SetIPCBuffer((seL4_IPCBuffer *)ipc_buffer);
        start_arg = arg;
    }

    for (keel_ctor_t *c = __init_array_start; c < __init_array_end; c++) {
        (*c)();
    }

    static char *argv[] = { NULL };
    exit(main(0, argv));
}
