/*
 * Compile-only check of libsel4: calls every generated invocation stub and every
 * syscall stub the way seL4 programs call them (argument order and types as in
 * seL4's API). Built by `make libsel4-check`; `gen_abi.py --check --stub-user` also
 * verifies that every label's stub appears here. Never run.
 */
#include <sel4/sel4.h>
#include <sel4/keel.h>
#include <autoconf.h>

#define SLOT 100

int stub_results;

static void note(int err)
{
    stub_results += err;
}

void use_invocation_stubs(seL4_BootInfo *bi)
{
    seL4_UserContext ctx = { .pc = 0x400000 };
    seL4_ARM_SMCContext smc_in = { .x0 = 1 }, smc_out = { .x0 = 0 };
    seL4_CPtr ut = bi->untyped.start;
    seL4_CPtr cn = seL4_CapInitThreadCNode;
    seL4_CPtr tcb = SLOT;

    note(seL4_Untyped_Retype(ut, seL4_TCBObject, seL4_TCBBits, cn, 0, 0, SLOT, 1));
    note(seL4_TCB_ReadRegisters(tcb, 0, 0, sizeof(ctx) / sizeof(seL4_Word), &ctx));
    note(seL4_TCB_WriteRegisters(tcb, 1, 0, sizeof(ctx) / sizeof(seL4_Word), &ctx));
    note(seL4_TCB_CopyRegisters(tcb, seL4_CapInitThreadTCB, 0, 0, 1, 1, 0));
    note(seL4_TCB_Configure(tcb, cn, seL4_NilData, seL4_CapInitThreadVSpace, seL4_NilData,
                            0x10000000, SLOT + 1));
    note(seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio));
    note(seL4_TCB_SetMCPriority(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio));
    note(seL4_TCB_SetSchedParams(tcb, seL4_CapInitThreadTCB, seL4_MaxPrio, 100, SLOT + 2,
                                 SLOT + 3));
    note(seL4_TCB_SetTimeoutEndpoint(tcb, SLOT + 3));
    note(seL4_TCB_SetIPCBuffer(tcb, 0x10000000, SLOT + 1));
    note(seL4_TCB_SetSpace(tcb, SLOT + 3, cn, seL4_CNode_CapData_new(0, 51).words[0],
                           seL4_CapInitThreadVSpace, seL4_NilData));
    note(seL4_TCB_Suspend(tcb));
    note(seL4_TCB_Resume(tcb));
    note(seL4_TCB_BindNotification(tcb, SLOT + 4));
    note(seL4_TCB_UnbindNotification(tcb));
    note(seL4_TCB_SetTLSBase(tcb, 0x1234));
    seL4_TCB_SetFlags_t fl = seL4_TCB_SetFlags(tcb, 0, seL4_TCBFlag_fpuDisabled);
    note(fl.error + (int)fl.flags);

    note(seL4_CNode_Revoke(cn, SLOT, seL4_WordBits));
    note(seL4_CNode_Delete(cn, SLOT, seL4_WordBits));
    note(seL4_CNode_CancelBadgedSends(cn, SLOT, seL4_WordBits));
    note(seL4_CNode_Copy(cn, SLOT, seL4_WordBits, cn, SLOT + 1, seL4_WordBits, seL4_AllRights));
    note(seL4_CNode_Mint(cn, SLOT, seL4_WordBits, cn, SLOT + 1, seL4_WordBits,
                         seL4_CapRights_new(0, 1, 1, 1), 0xbad));
    note(seL4_CNode_Move(cn, SLOT, seL4_WordBits, cn, SLOT + 1, seL4_WordBits));
    note(seL4_CNode_Mutate(cn, SLOT, seL4_WordBits, cn, SLOT + 1, seL4_WordBits, seL4_NilData));
    note(seL4_CNode_Rotate(cn, SLOT, seL4_WordBits, 1, cn, SLOT + 1, seL4_WordBits, 2, cn,
                           SLOT + 2, seL4_WordBits));

    note(seL4_IRQControl_Get(seL4_CapIRQControl, 33, cn, SLOT, seL4_WordBits));
    note(seL4_IRQHandler_Ack(SLOT));
    note(seL4_IRQHandler_SetNotification(SLOT, SLOT + 4));
    note(seL4_IRQHandler_Clear(SLOT));
    note(seL4_DomainSet_Set(seL4_CapDomain, 0, tcb));

    note(seL4_SchedControl_ConfigureFlags(bi->schedcontrol.start, SLOT + 2, 1000, 2000, 0, 7,
                                          seL4_SchedContext_Sporadic));
    note(seL4_SchedControl_Configure(bi->schedcontrol.start, SLOT + 2, 1000, 1000, 0, 7));
    note(seL4_SchedContext_Bind(SLOT + 2, tcb));
    note(seL4_SchedContext_Unbind(SLOT + 2));
    note(seL4_SchedContext_UnbindObject(SLOT + 2, tcb));
    seL4_SchedContext_Consumed_t c = seL4_SchedContext_Consumed(SLOT + 2);
    note(c.error + (int)c.consumed);
    seL4_SchedContext_YieldTo_t y = seL4_SchedContext_YieldTo(SLOT + 2);
    note(y.error + (int)y.consumed);

    note(seL4_ARM_VSpace_Clean_Data(seL4_CapInitThreadVSpace, 0x400000, 0x401000));
    note(seL4_ARM_VSpace_Invalidate_Data(seL4_CapInitThreadVSpace, 0x400000, 0x401000));
    note(seL4_ARM_VSpace_CleanInvalidate_Data(seL4_CapInitThreadVSpace, 0x400000, 0x401000));
    note(seL4_ARM_VSpace_Unify_Instruction(seL4_CapInitThreadVSpace, 0x400000, 0x401000));
    note(seL4_ARM_SMC_Call(seL4_CapSMC, &smc_in, &smc_out));
    note((int)smc_out.x0);

    note(seL4_ARM_PageTable_Map(SLOT, seL4_CapInitThreadVSpace, 0x10000000,
                                seL4_ARM_Default_VMAttributes));
    note(seL4_ARM_PageTable_Unmap(SLOT));
    note(seL4_ARM_Page_Map(SLOT, seL4_CapInitThreadVSpace, 0x10000000, seL4_ReadWrite,
                           seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever));
    note(seL4_ARM_Page_Unmap(SLOT));
    note(seL4_ARM_Page_Clean_Data(SLOT, 0, 4096));
    note(seL4_ARM_Page_Invalidate_Data(SLOT, 0, 4096));
    note(seL4_ARM_Page_CleanInvalidate_Data(SLOT, 0, 4096));
    note(seL4_ARM_Page_Unify_Instruction(SLOT, 0, 4096));
    seL4_ARM_Page_GetAddress_t pa = seL4_ARM_Page_GetAddress(SLOT);
    note(pa.error + (int)pa.paddr);
    note(seL4_ARM_ASIDControl_MakePool(seL4_CapASIDControl, ut, cn, SLOT, seL4_WordBits));
    note(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, SLOT));
    note(seL4_IRQControl_GetTrigger(seL4_CapIRQControl, 33, 1, cn, SLOT, seL4_WordBits));
    note(seL4_IRQControl_IssueSGISignal(seL4_CapIRQControl, 1, 0, cn, SLOT, seL4_WordBits));

    /* Old names from course material. */
    note(seL4_ARCH_Page_Map(SLOT, seL4_CapInitThreadVSpace, 0x10000000, seL4_AllRights,
                            seL4_ARCH_Default_VMAttributes));
    note(seL4_ARCH_PageTable_Map(SLOT, seL4_CapInitThreadVSpace, 0x10000000,
                                 seL4_ARCH_Default_VMAttributes));
    note(seL4_ARM_PageDirectory_Map(SLOT, seL4_CapInitThreadVSpace, 0x10000000,
                                    seL4_ARM_Default_VMAttributes));
    note(seL4_ARCH_ASIDPool_Assign(seL4_CapInitThreadASIDPool, SLOT));
    note(seL4_ARCH_Page_Unmap(SLOT));
    note(seL4_Untyped_Retype(ut, seL4_ARM_PageDirectoryObject, 0, cn, 0, 0, SLOT, 1));
}

seL4_Word use_syscall_stubs(void)
{
    seL4_Word badge = 0, a = 1, b = 2, c = 3, d = 4;
    seL4_MessageInfo_t info = seL4_MessageInfo_new(7, 0, 0, 4);
    seL4_Word sum = 0;

    seL4_SetMR(0, 11);
    seL4_Send(SLOT, info);
    seL4_SendWithMRs(SLOT, info, &a, &b, &c, &d);
    seL4_NBSend(SLOT, info);
    seL4_NBSendWithMRs(SLOT, info, &a, seL4_Null, seL4_Null, seL4_Null);
    seL4_Signal(SLOT + 4);
    info = seL4_Call(SLOT, info);
    info = seL4_CallWithMRs(SLOT, info, &a, &b, &c, &d);
    info = seL4_Recv(SLOT, &badge, SLOT + 5);
    sum += badge;
    info = seL4_RecvWithMRs(SLOT, &badge, &a, &b, &c, &d, SLOT + 5);
    info = seL4_NBRecv(SLOT, &badge, SLOT + 5);
    info = seL4_ReplyRecv(SLOT, info, &badge, SLOT + 5);
    info = seL4_ReplyRecvWithMRs(SLOT, info, &badge, &a, &b, &c, &d, SLOT + 5);
    info = seL4_NBSendRecv(SLOT + 6, info, SLOT, &badge, SLOT + 5);
    info = seL4_NBSendRecvWithMRs(SLOT + 6, info, SLOT, &badge, &a, &b, &c, &d, SLOT + 5);
    info = seL4_NBSendWait(SLOT + 6, info, SLOT, &badge);
    info = seL4_NBSendWaitWithMRs(SLOT + 6, info, SLOT, &badge, &a, &b, &c, &d);
    info = seL4_Wait(SLOT + 4, &badge);
    info = seL4_WaitWithMRs(SLOT + 4, &badge, &a, seL4_Null, seL4_Null, seL4_Null);
    info = seL4_NBWait(SLOT + 4, &badge);
    info = seL4_Poll(SLOT + 4, seL4_Null);
    seL4_Yield();

    seL4_DebugPutChar('k');
    seL4_DebugPutString("keel\n");
    seL4_DebugDumpScheduler();
    seL4_DebugSnapshot();
    seL4_DebugNameThread(seL4_CapInitThreadTCB, "all_stubs");
    sum += seL4_DebugCapIdentify(seL4_CapInitThreadTCB);
    sum += keel_DebugCheckInvariants();
    keel_regs_t r = { { 0 } };
    keel_RawSyscall(-100, &r);
    sum += r.x[0];

    seL4_SetCapReceivePath(seL4_CapInitThreadCNode, SLOT, seL4_WordBits);
    seL4_CPtr rc, ri;
    seL4_Word rd;
    seL4_GetCapReceivePath(&rc, &ri, &rd);
    seL4_SetCap(0, SLOT);
    seL4_SetUserData(seL4_GetUserData() + 1);
    sum += seL4_GetBadge(0) + seL4_GetCap(1) + rc + ri + rd;

    seL4_Fault_t f = seL4_getFault(info);
    if (seL4_Fault_get_seL4_FaultType(f) == seL4_Fault_VMFault) {
        sum += seL4_Fault_VMFault_get_Addr(f);
    }
    sum += seL4_MessageInfo_get_label(info) + seL4_MessageInfo_get_length(info) +
           seL4_MessageInfo_get_extraCaps(info) + seL4_MessageInfo_get_capsUnwrapped(info);
    info = seL4_MessageInfo_set_label(info, 3);
    sum += seL4_CapRights_get_capAllowWrite(seL4_CanWrite) +
           seL4_CapRights_get_capAllowGrantReply(seL4_CanGrantReply) + seL4_CanRead.words[0] +
           seL4_CanGrant.words[0] + seL4_NoWrite.words[0] + seL4_NoRead.words[0] +
           seL4_NoRights.words[0] + seL4_MaxExtraRefills(8) + seL4_GetMR(seL4_VMFault_IP);
    seL4_DebugHalt();
    return sum;
}

/* Static initialisers work with the named rights. */
static const seL4_CapRights_t rights_table[] = { seL4_AllRights, seL4_ReadWrite, seL4_CanRead };
seL4_Word rights_table_word(int i)
{
    return rights_table[i].words[0];
}
