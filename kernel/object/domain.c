/*
 * The domain cap: DomainSet_Set moves a thread to a scheduling domain. This build has
 * one domain (KEEL_NUM_DOMAINS), so only domain 0 is accepted; the domain schedule is
 * fixed and the kernel ignores domain time (ABI (k)).
 */
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/tcb.h>
#include <keel/invocation.h>
#include <keel/status.h>

status_t decode_domain_invocation(invocation_t *inv)
{
    if (inv->label != DomainSetSet)
        return fail_illegal("not a DomainSet method");
    if (inv->length == 0)
        return fail_truncated("DomainSet Set: needs a domain");
    word_t domain = inv_mr(inv, 0);
    if (domain >= KEEL_NUM_DOMAINS)
        return fail_invalid_arg(0, "DomainSet Set: no such domain");
    if (inv->extra_count < 1)
        return fail_truncated("DomainSet Set: needs a TCB cap");
    cap_t cap = inv->extra[0].cap;
    if (cap_type(cap) != cap_thread_cap)
        return fail_invalid_arg(1, "DomainSet Set: not a TCB cap");
    set_domain(tcb_of_cap(cap), domain);
    return OK;
}
