/*
 * Message transfer between two threads (ABI (b)): message registers, the badge, the
 * message info word, and extra caps.
 *
 * A message is MR0..MR3 in x2..x5 plus MR4.. in the IPC buffer. The kernel copies only
 * what both sides can hold: without an IPC buffer on either side just MR0..MR3 travel.
 * The receiver learns the number of words actually copied from its msginfo.length.
 *
 * Caps travel only over an endpoint cap with Grant (or a reply cap with Grant). Each extra
 * cap is either "unwrapped" (a cap to the very endpoint of this IPC: only its badge is
 * delivered) or copied into the receiver's single receive slot.
 *
 * Rights of received caps: the seL4 tutorial lecture says a receiver whose endpoint cap
 * lacks Write gets caps with Write stripped. That was seL4's old "diminish" rule; it was
 * removed when GrantReply was introduced, and neither ABI.md nor the seL4 commit it
 * describes looks at the receiver's endpoint rights. We follow ABI.md: the cap is
 * derived (derive_cap) and inserted unchanged.
 */
#include <keel/ipc.h>
#include <keel/cspace.h>
#include <keel/cnode.h>
#include <keel/invocation.h>
#include <keel/tcb.h>
#include <keel/kernel.h>

/* ---- message registers ------------------------------------------------------------------ */

word_t get_mr(tcb_t *t, const word_t *buffer, word_t i)
{
    kassert(i < seL4_MsgMaxLength);
    if (i < NUM_MSG_REGISTERS)
        return get_reg(t, REG_MR0 + i);
    return buffer ? buffer[KEEL_IPCBUF_MSG + i] : 0;
}

/* Words beyond MR3 are dropped when the thread has no IPC buffer. */
void set_mr(tcb_t *t, word_t *buffer, word_t i, word_t value)
{
    kassert(i < seL4_MsgMaxLength);
    if (i < NUM_MSG_REGISTERS)
        set_reg(t, REG_MR0 + i, value);
    else if (buffer)
        buffer[KEEL_IPCBUF_MSG + i] = value;
}

/* Copy n message words; returns how many the receiver actually got. */
static word_t copy_mrs(tcb_t *sender, const word_t *send_buf, tcb_t *receiver, word_t *recv_buf,
                       word_t n)
{
    word_t i;

    for (i = 0; i < n && i < NUM_MSG_REGISTERS; i++)
        set_reg(receiver, REG_MR0 + i, get_reg(sender, REG_MR0 + i));
    if (!send_buf || !recv_buf)
        return i;
    for (; i < n; i++)
        recv_buf[KEEL_IPCBUF_MSG + i] = send_buf[KEEL_IPCBUF_MSG + i];
    return i;
}

/* ---- extra caps ------------------------------------------------------------------------- */

/*
 * The sender's extra caps, looked up in its CSpace. If any of them does not resolve,
 * no cap at all is sent (the message itself still goes through).
 */
static word_t lookup_sent_caps(tcb_t *sender, const word_t *send_buf, word_t info,
                               cte_t *slots[seL4_MsgMaxExtraCaps])
{
    word_t n = msginfo_extra_caps(info);

    if (!send_buf)
        return 0;
    for (word_t i = 0; i < n; i++) {
        if (lookup_slot(sender, send_buf[KEEL_IPCBUF_CAPS_OR_BADGES + i], &slots[i]) != OK)
            return 0;
    }
    return n;
}

/*
 * The empty slot named by the receiver's IPC buffer (receiveCNode at depth 64, then
 * receiveIndex/receiveDepth inside it, as a CNode method's destination), or NULL.
 */
static cte_t *receive_slot(tcb_t *receiver, const word_t *recv_buf)
{
    cap_t root;
    cte_t *root_slot, *slot;

    if (!recv_buf)
        return NULL;
    if (lookup_cap(receiver, recv_buf[KEEL_IPCBUF_RECEIVE_CNODE], &root, &root_slot) != OK)
        return NULL;
    if (lookup_target_slot(root, recv_buf[KEEL_IPCBUF_RECEIVE_INDEX],
                           recv_buf[KEEL_IPCBUF_RECEIVE_DEPTH], &slot) != OK)
        return NULL;
    return cap_is_null(slot->cap) ? slot : NULL;
}

static bool is_cap_to_endpoint(cap_t cap, const endpoint_t *ep)
{
    return ep && cap_type(cap) == cap_endpoint_cap && cap_ptr(cap) == ep;
}

/*
 * Hand the sent caps to the receiver, in order, stopping at the first that cannot be
 * handed over. Returns the number processed; *unwrapped gets bit i for each cap i that
 * was delivered as a badge only.
 */
static word_t transfer_caps(cte_t *sent[], word_t nsent, const endpoint_t *ep, tcb_t *receiver,
                            word_t *recv_buf, word_t *unwrapped)
{
    cte_t *dest;
    word_t i;

    *unwrapped = 0;
    if (nsent == 0 || !recv_buf)
        return 0;
    dest = receive_slot(receiver, recv_buf);
    for (i = 0; i < nsent; i++) {
        cap_t cap = sent[i]->cap, derived;

        if (is_cap_to_endpoint(cap, ep)) {
            recv_buf[KEEL_IPCBUF_CAPS_OR_BADGES + i] = cap_badge(cap);
            *unwrapped |= BIT(i);
            continue;
        }
        /* Only one cap can be copied per message: the receive slot is used up. */
        if (!dest || derive_cap(sent[i], cap, &derived) != OK || cap_is_null(derived))
            break;
        cte_insert(derived, sent[i], dest);
        dest = NULL;
    }
    return i;
}

/* ---- the transfer ------------------------------------------------------------------------ */

static void do_normal_transfer(tcb_t *sender, const word_t *send_buf, const endpoint_t *ep,
                               word_t badge, bool grant, tcb_t *receiver, word_t *recv_buf)
{
    word_t info = get_reg(sender, REG_MSGINFO);
    cte_t *sent[seL4_MsgMaxExtraCaps];
    word_t nsent = grant ? lookup_sent_caps(sender, send_buf, info, sent) : 0;
    word_t copied, ncaps, unwrapped;

    copied = copy_mrs(sender, send_buf, receiver, recv_buf, msginfo_length(info));
    ncaps = transfer_caps(sent, nsent, ep, receiver, recv_buf, &unwrapped);
    set_reg(receiver, REG_MSGINFO, msginfo_new(msginfo_label(info), unwrapped, ncaps, copied));
    set_reg(receiver, REG_BADGE, badge);
}

/* A message that fits the registers and carries no caps needs neither IPC buffer
 * (copy_mrs and transfer_caps would not touch them): skip looking them up. */
static bool needs_buffers(const tcb_t *sender, bool grant)
{
    word_t info = get_reg(sender, REG_MSGINFO);
    return msginfo_length(info) > NUM_MSG_REGISTERS || (grant && msginfo_extra_caps(info));
}

void do_ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool grant, tcb_t *receiver)
{
    if (sender->fault.type != seL4_Fault_NullFault)
        do_fault_transfer(badge, sender, receiver, lookup_ipc_buffer(receiver, true));
    else if (!needs_buffers(sender, grant))
        do_normal_transfer(sender, NULL, ep, badge, grant, receiver, NULL);
    else
        do_normal_transfer(sender, lookup_ipc_buffer(sender, false), ep, badge, grant,
                           receiver, lookup_ipc_buffer(receiver, true));
}

void do_nb_recv_failed_transfer(tcb_t *t)
{
    set_reg(t, REG_BADGE, 0);
}
