/*
 * Keel user runtime: thread-local storage (AArch64 TLS variant 1, local-exec).
 *
 * The thread pointer (TPIDR_EL0) points at a 16-byte thread control block; the TLS
 * block (copy of .tdata followed by zeroed .tbss) starts at TP + round_up(16, align),
 * which is what the static linker assumes when it resolves TP-relative offsets.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sel4/sel4.h>
#include <keel/runtime.h>

/* The IPC buffer pointer of libsel4 (seL4_GetIPCBuffer). */
__thread seL4_IPCBuffer *__sel4_ipc_buffer;

/* From user.lds. */
extern char __keel_tdata_start[], __keel_tdata_end[], __keel_tbss_end[];
extern char __keel_tls_align[];

#define TCB_BYTES 16

static uintptr_t round_up(uintptr_t x, uintptr_t a)
{
    return (x + a - 1) & ~(a - 1);
}

static uintptr_t tls_align(void)
{
    uintptr_t a = (uintptr_t)__keel_tls_align;
    return a < 16 ? 16 : a;
}

static size_t tls_image_bytes(void)
{
    return (size_t)(__keel_tbss_end - __keel_tdata_start);
}

size_t keel_tls_size(void)
{
    uintptr_t a = tls_align();
    return (size_t)(a - 1 + round_up(TCB_BYTES, a) + tls_image_bytes());
}

seL4_Word keel_tls_init(void *area, size_t size)
{
    uintptr_t a = tls_align();
    uintptr_t tp = round_up((uintptr_t)area, a);
    uintptr_t block = tp + round_up(TCB_BYTES, a);
    size_t data = (size_t)(__keel_tdata_end - __keel_tdata_start);
    size_t total = tls_image_bytes();
    if (block + total > (uintptr_t)area + size) {
        return 0;
    }
    memset((void *)tp, 0, (size_t)(block - tp));
    memcpy((void *)block, __keel_tdata_start, data);
    memset((void *)(block + data), 0, total - data);
    return (seL4_Word)tp;
}

void keel_tls_set_ipc_buffer(seL4_Word tp, seL4_IPCBuffer *ipc_buffer)
{
    uintptr_t my_tp;
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(my_tp));
    uintptr_t offset = (uintptr_t)&__sel4_ipc_buffer - my_tp;
    *(seL4_IPCBuffer **)(tp + offset) = ipc_buffer;
}
