/* Recording why an operation failed (see keel/status.h). */
#include <keel/status.h>

static status_t fail(word_t type, word_t arg, const char *why)
{
    ks_syscall_error = (syscall_error_t){ .type = type, .arg = arg, .why = why };
    return ERR_SYSCALL;
}

status_t fail_invalid_arg(word_t index, const char *why) { return fail(seL4_InvalidArgument, index, why); }
status_t fail_invalid_cap(word_t index, const char *why) { return fail(seL4_InvalidCapability, index, why); }
status_t fail_illegal(const char *why)        { return fail(seL4_IllegalOperation, 0, why); }
status_t fail_alignment(const char *why)      { return fail(seL4_AlignmentError, 0, why); }
status_t fail_truncated(const char *why)      { return fail(seL4_TruncatedMessage, 0, why); }
status_t fail_delete_first(const char *why)   { return fail(seL4_DeleteFirst, 0, why); }
status_t fail_revoke_first(const char *why)   { return fail(seL4_RevokeFirst, 0, why); }
status_t fail_not_enough_memory(word_t bytes, const char *why) { return fail(seL4_NotEnoughMemory, bytes, why); }

status_t fail_range(word_t min, word_t max, const char *why)
{
    fail(seL4_RangeError, 0, why);
    ks_syscall_error.range_min = min;
    ks_syscall_error.range_max = max;
    return ERR_SYSCALL;
}

status_t fail_lookup(bool source, const char *why)
{
    fail(seL4_FailedLookup, 0, why);
    ks_syscall_error.lookup_was_source = source;
    return ERR_SYSCALL;
}

static status_t lookup_fail(word_t type, word_t bits_left, word_t guard_found, word_t bits_found)
{
    ks_lookup_fault = (lookup_fault_t){ type, bits_left, guard_found, bits_found };
    return ERR_LOOKUP;
}

status_t lookup_fail_invalid_root(void) { return lookup_fail(seL4_InvalidRoot, 0, 0, 0); }
status_t lookup_fail_missing_cap(word_t bits_left) { return lookup_fail(seL4_MissingCapability, bits_left, 0, 0); }
status_t lookup_fail_depth_mismatch(word_t bits_left, word_t bits_found)
{
    return lookup_fail(seL4_DepthMismatch, bits_left, 0, bits_found);
}
status_t lookup_fail_guard_mismatch(word_t bits_left, word_t guard_found, word_t bits_found)
{
    return lookup_fail(seL4_GuardMismatch, bits_left, guard_found, bits_found);
}
