/*
 * The IPC fast path (api/fastpath.c): the common cases of seL4_Call and seL4_ReplyRecv
 * done in one short straight line, with exactly the effect the general syscall path
 * (handle_syscall) would have. Anything else falls back to handle_syscall.
 *
 * Built when CONFIG_FASTPATH is 1 (the default; `make CONFIG_FASTPATH=0` builds without).
 * The arch entry code calls the two entry points for x7 == seL4_SysCall and
 * seL4_SysReplyRecv with the user's x0 and x1 still in the argument registers.
 */
#pragma once

#ifndef CONFIG_FASTPATH
#define CONFIG_FASTPATH 1
#endif

/* The syscall numbers entry.S compares x7 with (checked against the ABI in fastpath.c). */
#define FASTPATH_SYS_CALL       (-1)
#define FASTPATH_SYS_REPLY_RECV (-2)

#ifndef __ASSEMBLER__
#include <keel/types.h>

/* Entry points from the arch code, x0 and x1 (cap and msginfo) still in registers; the
 * rest is read from the saved context. They perform the syscall (fast, or else through
 * handle_syscall) and return with ks_cur_thread set to the thread to restore. */
void fastpath_call(word_t cptr, word_t info);
void fastpath_reply_recv(word_t cptr, word_t info);

/* For the host tests: the fast path alone, on ks_cur_thread's saved registers. Returns
 * false when the case is not one it handles (the caller then runs handle_syscall),
 * having changed nothing but possibly the time of the kernel entry (ks_cur_time and
 * ks_consumed, as the general path's first step would). */
bool fastpath_try_call(void);
bool fastpath_try_reply_recv(void);
#endif
