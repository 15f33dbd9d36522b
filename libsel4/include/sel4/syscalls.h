/*
 * Keel libsel4: system-call stubs (AArch64, MCS).
 *
 * Register convention (ABI (a)): svc #0 with the syscall number in x7; x0 = cap
 * (send destination or receive source), x1 = msginfo, x2..x5 = MR0..MR3, x6 = reply cap
 * (Recv/NBRecv/ReplyRecv/NBSendRecv) or send destination (NBSendWait), x8 = send
 * destination (NBSendRecv). On return x0 = badge, x1 = msginfo, x2..x5 = MR0..MR3.
 *
 * The plain variants move MR0..MR3 from the IPC buffer into x2..x5 before the call and
 * back into the IPC buffer afterwards; the *WithMRs variants take them from/put them
 * into the caller's variables instead (a NULL pointer means "not used").
 */
#pragma once

#include <sel4/functions.h>

/* The one primitive: every IPC-style syscall goes through here. */
LIBSEL4_INLINE_FUNC void
keel_sys_ipc_(seL4_Word sys, seL4_Word *io_x0, seL4_Word *io_x1, seL4_Word *io_mr0,
              seL4_Word *io_mr1, seL4_Word *io_mr2, seL4_Word *io_mr3, seL4_Word x6,
              seL4_Word x8)
{
    register seL4_Word r0 __asm__("x0") = *io_x0;
    register seL4_Word r1 __asm__("x1") = *io_x1;
    register seL4_Word r2 __asm__("x2") = *io_mr0;
    register seL4_Word r3 __asm__("x3") = *io_mr1;
    register seL4_Word r4 __asm__("x4") = *io_mr2;
    register seL4_Word r5 __asm__("x5") = *io_mr3;
    register seL4_Word r6 __asm__("x6") = x6;
    register seL4_Word r7 __asm__("x7") = sys;
    register seL4_Word r8 __asm__("x8") = x8;
    __asm__ volatile("svc #0"
                     : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5)
                     : "r"(r6), "r"(r7), "r"(r8)
                     : "memory");
    *io_x0 = r0;
    *io_x1 = r1;
    *io_mr0 = r2;
    *io_mr1 = r3;
    *io_mr2 = r4;
    *io_mr3 = r5;
}

/* Message registers 0..3 as words, for the various stubs. */
typedef struct keel_mrs_ {
    seL4_Word mr[4];
} keel_mrs_t;

LIBSEL4_INLINE_FUNC keel_mrs_t keel_mrs_from_buffer_(void)
{
    keel_mrs_t m;
    m.mr[0] = seL4_GetMR(0);
    m.mr[1] = seL4_GetMR(1);
    m.mr[2] = seL4_GetMR(2);
    m.mr[3] = seL4_GetMR(3);
    return m;
}

LIBSEL4_INLINE_FUNC void keel_mrs_to_buffer_(const keel_mrs_t *m)
{
    seL4_SetMR(0, m->mr[0]);
    seL4_SetMR(1, m->mr[1]);
    seL4_SetMR(2, m->mr[2]);
    seL4_SetMR(3, m->mr[3]);
}

/* Inputs of a *WithMRs call: only the first 'length' registers are taken. */
LIBSEL4_INLINE_FUNC keel_mrs_t keel_mrs_from_ptrs_(seL4_MessageInfo_t info, seL4_Word *mr0,
                                                   seL4_Word *mr1, seL4_Word *mr2,
                                                   seL4_Word *mr3)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_Word len = seL4_MessageInfo_get_length(info);
    if (mr0 != seL4_Null && len > 0) {
        m.mr[0] = *mr0;
    }
    if (mr1 != seL4_Null && len > 1) {
        m.mr[1] = *mr1;
    }
    if (mr2 != seL4_Null && len > 2) {
        m.mr[2] = *mr2;
    }
    if (mr3 != seL4_Null && len > 3) {
        m.mr[3] = *mr3;
    }
    return m;
}

LIBSEL4_INLINE_FUNC void keel_mrs_to_ptrs_(const keel_mrs_t *m, seL4_Word *mr0, seL4_Word *mr1,
                                           seL4_Word *mr2, seL4_Word *mr3)
{
    if (mr0 != seL4_Null) {
        *mr0 = m->mr[0];
    }
    if (mr1 != seL4_Null) {
        *mr1 = m->mr[1];
    }
    if (mr2 != seL4_Null) {
        *mr2 = m->mr[2];
    }
    if (mr3 != seL4_Null) {
        *mr3 = m->mr[3];
    }
}

/* Generic helper: run syscall 'sys' with the given cap registers and MRs. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t
keel_sys_msg_(seL4_Word sys, seL4_CPtr x0cap, seL4_MessageInfo_t info, keel_mrs_t *m,
              seL4_Word *badge, seL4_CPtr x6, seL4_CPtr x8)
{
    seL4_Word r0 = x0cap;
    seL4_Word r1 = info.words[0];
    keel_sys_ipc_(sys, &r0, &r1, &m->mr[0], &m->mr[1], &m->mr[2], &m->mr[3], x6, x8);
    if (badge != seL4_Null) {
        *badge = r0;
    }
    seL4_MessageInfo_t out;
    out.words[0] = r1;
    return out;
}

/* ---- Send family ------------------------------------------------------------------ */

LIBSEL4_INLINE_FUNC void seL4_Send(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    keel_mrs_t m = keel_mrs_from_buffer_();
    (void)keel_sys_msg_(seL4_SysSend, dest, msgInfo, &m, seL4_Null, 0, 0);
}

LIBSEL4_INLINE_FUNC void seL4_SendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                          seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                          seL4_Word *mr3)
{
    keel_mrs_t m = keel_mrs_from_ptrs_(msgInfo, mr0, mr1, mr2, mr3);
    (void)keel_sys_msg_(seL4_SysSend, dest, msgInfo, &m, seL4_Null, 0, 0);
}

LIBSEL4_INLINE_FUNC void seL4_NBSend(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    keel_mrs_t m = keel_mrs_from_buffer_();
    (void)keel_sys_msg_(seL4_SysNBSend, dest, msgInfo, &m, seL4_Null, 0, 0);
}

LIBSEL4_INLINE_FUNC void seL4_NBSendWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                            seL4_Word *mr0, seL4_Word *mr1, seL4_Word *mr2,
                                            seL4_Word *mr3)
{
    keel_mrs_t m = keel_mrs_from_ptrs_(msgInfo, mr0, mr1, mr2, mr3);
    (void)keel_sys_msg_(seL4_SysNBSend, dest, msgInfo, &m, seL4_Null, 0, 0);
}

/* Signal a notification: a Send with an empty message. */
LIBSEL4_INLINE_FUNC void seL4_Signal(seL4_CPtr dest)
{
    register seL4_Word r0 __asm__("x0") = dest;
    register seL4_Word r1 __asm__("x1") = seL4_MessageInfo_new(0, 0, 0, 0).words[0];
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysSend;
    __asm__ volatile("svc #0" : "+r"(r0), "+r"(r1) : "r"(r7) : "memory");
}

/* ---- Call ------------------------------------------------------------------------- */

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Call(seL4_CPtr dest, seL4_MessageInfo_t msgInfo)
{
    keel_mrs_t m = keel_mrs_from_buffer_();
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysCall, dest, msgInfo, &m, seL4_Null, 0, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_CallWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                        seL4_Word *mr0, seL4_Word *mr1,
                                                        seL4_Word *mr2, seL4_Word *mr3)
{
    keel_mrs_t m = keel_mrs_from_ptrs_(msgInfo, mr0, mr1, mr2, mr3);
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysCall, dest, msgInfo, &m, seL4_Null, 0, 0);
    keel_mrs_to_ptrs_(&m, mr0, mr1, mr2, mr3);
    return r;
}

/* ---- Receive family (MCS: endpoints need a reply object) -------------------------- */

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Recv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), &m,
                                         sender, reply, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_RecvWithMRs(seL4_CPtr src, seL4_Word *sender,
                                                        seL4_Word *mr0, seL4_Word *mr1,
                                                        seL4_Word *mr2, seL4_Word *mr3,
                                                        seL4_CPtr reply)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), &m,
                                         sender, reply, 0);
    keel_mrs_to_ptrs_(&m, mr0, mr1, mr2, mr3);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBRecv(seL4_CPtr src, seL4_Word *sender, seL4_CPtr reply)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysNBRecv, src, seL4_MessageInfo_new(0, 0, 0, 0), &m,
                                         sender, reply, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Wait(seL4_CPtr src, seL4_Word *sender)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysWait, src, seL4_MessageInfo_new(0, 0, 0, 0), &m,
                                         sender, 0, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_WaitWithMRs(seL4_CPtr src, seL4_Word *sender,
                                                        seL4_Word *mr0, seL4_Word *mr1,
                                                        seL4_Word *mr2, seL4_Word *mr3)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysWait, src, seL4_MessageInfo_new(0, 0, 0, 0), &m,
                                         sender, 0, 0);
    keel_mrs_to_ptrs_(&m, mr0, mr1, mr2, mr3);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBWait(seL4_CPtr src, seL4_Word *sender)
{
    keel_mrs_t m = { { 0, 0, 0, 0 } };
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysNBWait, src, seL4_MessageInfo_new(0, 0, 0, 0), &m,
                                         sender, 0, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

/* Poll a notification: non-blocking wait. */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_Poll(seL4_CPtr src, seL4_Word *sender)
{
    return seL4_NBWait(src, sender);
}

/* ---- Combined send + receive ------------------------------------------------------ */

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_ReplyRecv(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                      seL4_Word *sender, seL4_CPtr reply)
{
    keel_mrs_t m = keel_mrs_from_buffer_();
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysReplyRecv, src, msgInfo, &m, sender, reply, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_ReplyRecvWithMRs(seL4_CPtr src, seL4_MessageInfo_t msgInfo,
                                                             seL4_Word *sender, seL4_Word *mr0,
                                                             seL4_Word *mr1, seL4_Word *mr2,
                                                             seL4_Word *mr3, seL4_CPtr reply)
{
    keel_mrs_t m = keel_mrs_from_ptrs_(msgInfo, mr0, mr1, mr2, mr3);
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysReplyRecv, src, msgInfo, &m, sender, reply, 0);
    keel_mrs_to_ptrs_(&m, mr0, mr1, mr2, mr3);
    return r;
}

/* NBSend on dest (x8), then Recv on src (x0) with reply object reply (x6). */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendRecv(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                       seL4_CPtr src, seL4_Word *sender,
                                                       seL4_CPtr reply)
{
    keel_mrs_t m = keel_mrs_from_buffer_();
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysNBSendRecv, src, msgInfo, &m, sender, reply, dest);
    keel_mrs_to_buffer_(&m);
    return r;
}

LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendRecvWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                              seL4_CPtr src, seL4_Word *sender,
                                                              seL4_Word *mr0, seL4_Word *mr1,
                                                              seL4_Word *mr2, seL4_Word *mr3,
                                                              seL4_CPtr reply)
{
    keel_mrs_t m = keel_mrs_from_ptrs_(msgInfo, mr0, mr1, mr2, mr3);
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysNBSendRecv, src, msgInfo, &m, sender, reply, dest);
    keel_mrs_to_ptrs_(&m, mr0, mr1, mr2, mr3);
    return r;
}

/* NBSend on dest (x6), then Wait on src (x0). */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendWait(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                       seL4_CPtr src, seL4_Word *sender)
{
    keel_mrs_t m = keel_mrs_from_buffer_();
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysNBSendWait, src, msgInfo, &m, sender, dest, 0);
    keel_mrs_to_buffer_(&m);
    return r;
}

/* Same as seL4_NBSendWait with the MRs in variables. (Unlike the reference libsel4,
 * which issues NBSendRecv here, this really performs NBSendWait.) */
LIBSEL4_INLINE_FUNC seL4_MessageInfo_t seL4_NBSendWaitWithMRs(seL4_CPtr dest, seL4_MessageInfo_t msgInfo,
                                                              seL4_CPtr src, seL4_Word *sender,
                                                              seL4_Word *mr0, seL4_Word *mr1,
                                                              seL4_Word *mr2, seL4_Word *mr3)
{
    keel_mrs_t m = keel_mrs_from_ptrs_(msgInfo, mr0, mr1, mr2, mr3);
    seL4_MessageInfo_t r = keel_sys_msg_(seL4_SysNBSendWait, src, msgInfo, &m, sender, dest, 0);
    keel_mrs_to_ptrs_(&m, mr0, mr1, mr2, mr3);
    return r;
}

/* ---- Yield -------------------------------------------------------------------------- */

LIBSEL4_INLINE_FUNC void seL4_Yield(void)
{
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysYield;
    __asm__ volatile("svc #0" : : "r"(r7) : "memory");
}

/* ---- Debug syscalls (debug build with printing) ------------------------------------ */

LIBSEL4_INLINE_FUNC void seL4_DebugPutChar(char c)
{
    register seL4_Word r0 __asm__("x0") = (seL4_Word)(unsigned char)c;
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysDebugPutChar;
    __asm__ volatile("svc #0" : "+r"(r0) : "r"(r7) : "memory");
}

LIBSEL4_INLINE_FUNC void seL4_DebugPutString(const char *str)
{
    for (; *str != '\0'; str++) {
        seL4_DebugPutChar(*str);
    }
}

LIBSEL4_INLINE_FUNC void seL4_DebugDumpScheduler(void)
{
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysDebugDumpScheduler;
    __asm__ volatile("svc #0" : : "r"(r7) : "memory");
}

LIBSEL4_INLINE_FUNC void seL4_DebugHalt(void)
{
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysDebugHalt;
    __asm__ volatile("svc #0" : : "r"(r7) : "memory");
}

LIBSEL4_INLINE_FUNC void seL4_DebugSnapshot(void)
{
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysDebugSnapshot;
    __asm__ volatile("svc #0" : : "r"(r7) : "memory");
}

/* Kernel cap-type tag (enum cap_tag) of the cap at cptr 'cap'; 0 if empty/invalid. */
LIBSEL4_INLINE_FUNC seL4_Uint32 seL4_DebugCapIdentify(seL4_CPtr cap)
{
    register seL4_Word r0 __asm__("x0") = cap;
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysDebugCapIdentify;
    __asm__ volatile("svc #0" : "+r"(r0) : "r"(r7) : "memory");
    return (seL4_Uint32)r0;
}

/* Give the thread 'tcb' a debug name. The name travels in the IPC buffer (from msg[0]);
 * it is cut to fit the message area. */
LIBSEL4_INLINE_FUNC void seL4_DebugNameThread(seL4_CPtr tcb, const char *name)
{
    char *dst = (char *)&seL4_GetIPCBuffer()->msg[0];
    seL4_Word max = seL4_MsgMaxLength * sizeof(seL4_Word) - 1;
    seL4_Word i;
    for (i = 0; i < max && name[i] != '\0'; i++) {
        dst[i] = name[i];
    }
    dst[i] = '\0';
    register seL4_Word r0 __asm__("x0") = tcb;
    register seL4_Word r7 __asm__("x7") = (seL4_Word)seL4_SysDebugNameThread;
    __asm__ volatile("svc #0" : "+r"(r0) : "r"(r7) : "memory");
}
