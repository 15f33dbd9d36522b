/*
 * One status type for every kernel operation (NOVA style): OK, or why not.
 *
 * A failing invocation records the seL4 error (and its message registers) in
 * ks_syscall_error and returns ERR_SYSCALL; the invocation dispatcher turns that into the
 * error reply and, in debug builds, prints one line naming the thread, the object, the
 * method and the reason. A failed capability lookup records ks_lookup_fault.
 */
#pragma once

#include <keel/types.h>
#include <keel/objects.h>

typedef enum status {
    OK = 0,
    ERR_SYSCALL,      /* ks_syscall_error describes an seL4_Error for the caller */
    ERR_LOOKUP,       /* ks_lookup_fault describes why a cptr did not resolve */
    ERR_FAULT,        /* the current thread has a fault to deliver (tcb->fault) */
    ERR_PREEMPTED,    /* an interrupt is pending; the syscall restarts later */
} status_t;

typedef struct syscall_error {
    word_t type;          /* seL4_Error */
    word_t arg;           /* InvalidArgument / InvalidCapability: index; NotEnoughMemory: bytes */
    word_t range_min, range_max;
    bool   lookup_was_source;   /* FailedLookup MR0 */
    const char *why;      /* human-readable reason for the debug line */
} syscall_error_t;

extern syscall_error_t ks_syscall_error;
extern lookup_fault_t  ks_lookup_fault;

/* Record an error and return ERR_SYSCALL: `return fail_range(0, 47, "size too big");` */
status_t fail_invalid_arg(word_t index, const char *why);
status_t fail_invalid_cap(word_t index, const char *why);
status_t fail_illegal(const char *why);
status_t fail_range(word_t min, word_t max, const char *why);
status_t fail_alignment(const char *why);
status_t fail_truncated(const char *why);
status_t fail_delete_first(const char *why);
status_t fail_revoke_first(const char *why);
status_t fail_not_enough_memory(word_t bytes_available, const char *why);
/* FailedLookup with the failure already in ks_lookup_fault. */
status_t fail_lookup(bool source, const char *why);

/* Lookup failures (set ks_lookup_fault, return ERR_LOOKUP). */
status_t lookup_fail_invalid_root(void);
status_t lookup_fail_missing_cap(word_t bits_left);
status_t lookup_fail_depth_mismatch(word_t bits_left, word_t bits_found);
status_t lookup_fail_guard_mismatch(word_t bits_left, word_t guard_found, word_t bits_found);

/* Call every so many steps of a long operation: ERR_PREEMPTED if an interrupt waits
 * (the operation is then abandoned in a consistent state and the syscall restarts). */
status_t preemption_point(void);
