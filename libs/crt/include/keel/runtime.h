/*
 * Keel user runtime (libs/crt): start-up, thread-local storage and exit hooks.
 */
#pragma once

#include <stddef.h>
#include <sel4/sel4.h>

/* The word a loader passed to a non-root process in x2 at entry (0 for the root task). */
seL4_Word keel_start_arg(void);

/* True in the root task (started with a bootinfo pointer). */
int keel_is_root_task(void);

/*
 * Thread-local storage for additional threads of this program.
 * keel_tls_size() is the number of bytes a thread's TLS area needs (including
 * alignment slack); keel_tls_init() lays out a fresh copy of the TLS image in
 * 'area' and returns the value for that thread's TPIDR_EL0 (pass it in the
 * tpidr_el0 field of seL4_UserContext or with seL4_TCB_SetTLSBase), or 0 if the
 * area is too small. keel_tls_set_ipc_buffer() stores the thread's IPC buffer
 * address in its __sel4_ipc_buffer variable before it starts running.
 */
size_t keel_tls_size(void);
seL4_Word keel_tls_init(void *area, size_t size);
void keel_tls_set_ipc_buffer(seL4_Word tp, seL4_IPCBuffer *ipc_buffer);

/*
 * Called by exit() (and when main returns) with the exit code. The default
 * prints "<program> exited with status N" and suspends the calling thread
 * (seL4_TCB_Suspend on seL4_CapInitThreadTCB). A program or an OS personality
 * (e.g. SOS clients) can provide its own strong definition.
 */
void __keel_exit_hook(int status);

/* Name used in runtime messages (default "keel-app"); a program may define its own. */
extern const char *__keel_progname;
