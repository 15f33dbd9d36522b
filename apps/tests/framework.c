/*
 * Keel QEMU test root task: framework implementation (output, failure recording,
 * slot/untyped allocator, mappings, child threads, fault endpoints).
 */
#include "framework.h"

#include <keel/runtime.h>

seL4_BootInfo *test_bootinfo;
const char *test_current_name = "tests";

/* ---- Formatting ------------------------------------------------------------ */

typedef void (*emit_fn)(char c, void *arg);

static void emit_num(emit_fn emit, void *arg, unsigned long long v, unsigned base,
                     bool upper, bool neg, int width, char pad)
{
    char tmp[24];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    if (neg)
        width--;
    if (neg && pad == '0')
        emit('-', arg);
    for (int i = n; i < width; i++)
        emit(pad, arg);
    if (neg && pad != '0')
        emit('-', arg);
    while (n > 0)
        emit(tmp[--n], arg);
}

static void vformat(emit_fn emit, void *arg, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(*fmt, arg);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0;
        int lng = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v = lng ? va_arg(ap, long long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? (unsigned long long)0 - (unsigned long long)v
                                         : (unsigned long long)v;
            emit_num(emit, arg, u, 10, false, v < 0, width, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            emit_num(emit, arg, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, pad);
            break;
        }
        case 'p':
            emit('0', arg);
            emit('x', arg);
            emit_num(emit, arg, (uintptr_t)va_arg(ap, void *), 16, false, false, width, pad);
            break;
        case 'c':
            emit((char)va_arg(ap, int), arg);
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int len = 0;
            if (!s)
                s = "(null)";
            while (s[len])
                len++;
            for (int i = len; i < width; i++)
                emit(' ', arg);
            while (*s)
                emit(*s++, arg);
            break;
        }
        case '%':
            emit('%', arg);
            break;
        case '\0':
            return;
        default:
            emit('%', arg);
            emit(*fmt, arg);
            break;
        }
    }
}

static void emit_console(char c, void *arg)
{
    (void)arg;
    seL4_DebugPutChar(c);
}

struct bufout {
    char *buf;
    size_t size, pos;
};

static void emit_buf(char c, void *arg)
{
    struct bufout *b = arg;
    if (b->pos + 1 < b->size)
        b->buf[b->pos] = c;
    b->pos++;
}

int tvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct bufout b = {buf, size, 0};
    vformat(emit_buf, &b, fmt, ap);
    if (size > 0)
        buf[b.pos < size ? b.pos : size - 1] = '\0';
    return (int)b.pos;
}

int tsnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = tvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void tprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vformat(emit_console, NULL, fmt, ap);
    va_end(ap);
}

void tinfo(const char *fmt, ...)
{
    va_list ap;
    tprintf("  info: ");
    va_start(ap, fmt);
    vformat(emit_console, NULL, fmt, ap);
    va_end(ap);
    tprintf("\n");
}

const char *err_name(seL4_Word err)
{
    static const char *const names[] = {
        "NoError",       "InvalidArgument",  "InvalidCapability", "IllegalOperation",
        "RangeError",    "AlignmentError",   "FailedLookup",      "TruncatedMessage",
        "DeleteFirst",   "RevokeFirst",      "NotEnoughMemory",
    };
    if (err < sizeof(names) / sizeof(names[0]))
        return names[err];
    return "?";
}

/* ---- Failure recording ------------------------------------------------------- */

static bool cur_failed;
static char cur_reason[256];

void test_reset_failure(void);
const char *test_failure_reason(void);

void test_reset_failure(void)
{
    cur_failed = false;
    cur_reason[0] = '\0';
}

const char *test_failure_reason(void)
{
    return cur_reason;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    if (cur_failed)
        return; /* keep the first reason */
    cur_failed = true;
    const char *base = file;
    for (const char *p = file; *p; p++)
        if (*p == '/')
            base = p + 1;
    int n = tsnprintf(cur_reason, sizeof(cur_reason), "%s:%d: ", base, line);
    if (n < 0 || (size_t)n >= sizeof(cur_reason))
        return;
    va_list ap;
    va_start(ap, fmt);
    tvsnprintf(cur_reason + n, sizeof(cur_reason) - (size_t)n, fmt, ap);
    va_end(ap);
    /* The reason must stay on the FAIL line. */
    for (char *p = cur_reason; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
}

bool test_failed(void)
{
    return cur_failed;
}

/* ---- Raw invocation ------------------------------------------------------------ */

seL4_MessageInfo_t raw_call(seL4_CPtr service, seL4_Word label, seL4_Word len,
                            const seL4_Word *mrs, seL4_Word ncaps, const seL4_CPtr *caps)
{
    for (seL4_Word i = 0; i < len; i++)
        seL4_SetMR((int)i, mrs[i]);
    for (seL4_Word i = 0; i < ncaps; i++)
        seL4_SetCap((int)i, caps[i]);
    return seL4_Call(service, seL4_MessageInfo_new(label, 0, ncaps, len));
}

int check_reply_at(const char *file, int line, seL4_MessageInfo_t info, seL4_Word err,
                   const seL4_Word *mrs, seL4_Word len)
{
    seL4_Word label = seL4_MessageInfo_get_label(info);
    seL4_Word got_len = seL4_MessageInfo_get_length(info);
    if (label != err) {
        test_fail(file, line, "reply label %s (%llu), want %s (%llu) [MR0 0x%llx MR1 0x%llx]",
                  err_name(label), (unsigned long long)label, err_name(err),
                  (unsigned long long)err, (unsigned long long)seL4_GetMR(0),
                  (unsigned long long)seL4_GetMR(1));
        return -1;
    }
    for (seL4_Word i = 0; i < len; i++) {
        if (seL4_GetMR((int)i) != mrs[i]) {
            test_fail(file, line, "%s reply MR%llu = 0x%llx (%lld), want 0x%llx (%lld)",
                      err_name(err), (unsigned long long)i,
                      (unsigned long long)seL4_GetMR((int)i), (long long)seL4_GetMR((int)i),
                      (unsigned long long)mrs[i], (long long)mrs[i]);
            return -1;
        }
    }
    if (got_len != len) {
        test_fail(file, line, "%s reply length %llu, want %llu", err_name(err),
                  (unsigned long long)got_len, (unsigned long long)len);
        return -1;
    }
    return 0;
}

/* ---- Slot and untyped allocator ---------------------------------------------------- */

struct ut_info {
    seL4_CPtr cap;
    seL4_Word paddr;
    uint8_t bits;
    bool device;
    bool taken;        /* device untyped handed out by find_device_untyped */
    uint8_t fail_bits; /* an object of this size (or larger) did not fit last time */
};

#define TEST_MAX_UNTYPEDS 230 /* MAX_NUM_BOOTINFO_UNTYPED_CAPS, ABI (g) */

static struct ut_info uts[TEST_MAX_UNTYPEDS];
static unsigned n_uts;
static seL4_Word slot_next, slot_end;

void alloc_init(seL4_BootInfo *bi)
{
    slot_next = bi->empty.start;
    slot_end = bi->empty.end;
    n_uts = 0;
    for (seL4_Word s = bi->untyped.start; s < bi->untyped.end; s++) {
        seL4_Word i = s - bi->untyped.start;
        if (n_uts >= sizeof(uts) / sizeof(uts[0]))
            break;
        uts[n_uts].cap = s;
        uts[n_uts].paddr = bi->untypedList[i].paddr;
        uts[n_uts].bits = bi->untypedList[i].sizeBits;
        uts[n_uts].device = bi->untypedList[i].isDevice != 0;
        uts[n_uts].taken = false;
        uts[n_uts].fail_bits = 64;
        n_uts++;
    }
}

seL4_CPtr alloc_slot(void)
{
    if (slot_next >= slot_end)
        FAIL_R(0, "alloc_slot: out of empty slots (end %llu)", (unsigned long long)slot_end);
    return slot_next++;
}

seL4_CPtr alloc_slots(seL4_Word n)
{
    if (slot_next + n > slot_end)
        FAIL_R(0, "alloc_slots(%llu): out of empty slots", (unsigned long long)n);
    seL4_CPtr first = slot_next;
    slot_next += n;
    return first;
}

int object_size_bits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
    case seL4_SchedContextObject:
        return (int)size_bits;
    case seL4_TCBObject:
        return 11;
    case seL4_EndpointObject:
        return 4;
    case seL4_NotificationObject:
        return 6;
    case seL4_CapTableObject:
        return (int)size_bits + 5;
    case seL4_ReplyObject:
        return 5;
    case seL4_ARM_HugePageObject:
        return 30;
    case seL4_ARM_VSpaceObject:
    case seL4_ARM_SmallPageObject:
    case seL4_ARM_PageTableObject:
        return 12;
    case seL4_ARM_LargePageObject:
        return 21;
    default:
        return -1;
    }
}

seL4_CPtr alloc_object(seL4_Word type, seL4_Word size_bits)
{
    int obits = object_size_bits(type, size_bits);
    if (obits < 0)
        FAIL_R(0, "alloc_object: unknown type %llu", (unsigned long long)type);
    seL4_CPtr slot = alloc_slot();
    if (!slot)
        return 0;
    for (unsigned i = 0; i < n_uts; i++) {
        struct ut_info *u = &uts[i];
        if (u->device || u->bits < obits || obits >= u->fail_bits)
            continue;
        seL4_Error err = seL4_Untyped_Retype(u->cap, type, size_bits, seL4_CapInitThreadCNode,
                                             0, 0, slot, 1);
        if (err == seL4_NoError)
            return slot;
        if (err == seL4_NotEnoughMemory) {
            u->fail_bits = (uint8_t)obits;
            continue;
        }
        FAIL_R(0, "alloc_object(type %llu, bits %llu): Retype from untyped slot %llu: %s",
               (unsigned long long)type, (unsigned long long)size_bits,
               (unsigned long long)u->cap, err_name(err));
    }
    FAIL_R(0, "alloc_object(type %llu, bits %llu): no untyped has room",
           (unsigned long long)type, (unsigned long long)size_bits);
}

seL4_CPtr find_device_untyped(seL4_Word min_bits, seL4_Word *paddr, seL4_Word *size_bits)
{
    for (unsigned i = 0; i < n_uts; i++) {
        struct ut_info *u = &uts[i];
        if (!u->device || u->taken || u->bits < min_bits)
            continue;
        u->taken = true;
        if (paddr)
            *paddr = u->paddr;
        if (size_bits)
            *size_bits = u->bits;
        return u->cap;
    }
    return 0;
}

seL4_CPtr cap_copy(seL4_CPtr src, seL4_CapRights_t rights)
{
    seL4_CPtr slot = alloc_slot();
    if (!slot)
        return 0;
    seL4_Error err = seL4_CNode_Copy(seL4_CapInitThreadCNode, slot, 64,
                                     seL4_CapInitThreadCNode, src, 64, rights);
    if (err != seL4_NoError)
        FAIL_R(0, "cap_copy(%llu): %s", (unsigned long long)src, err_name(err));
    return slot;
}

seL4_CPtr cap_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_CPtr slot = alloc_slot();
    if (!slot)
        return 0;
    seL4_Error err = seL4_CNode_Mint(seL4_CapInitThreadCNode, slot, 64,
                                     seL4_CapInitThreadCNode, src, 64, rights, badge);
    if (err != seL4_NoError)
        FAIL_R(0, "cap_mint(%llu): %s", (unsigned long long)src, err_name(err));
    return slot;
}

void cap_delete(seL4_CPtr slot)
{
    if (slot)
        (void)seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, 64);
}

/* ---- Virtual memory ------------------------------------------------------------ */

/* The first MiB of the test region holds the child threads' IPC buffers. */
static seL4_Word vaddr_next = TEST_VADDR_BASE + 0x100000ul;

seL4_Word alloc_vaddr(seL4_Word pages)
{
    seL4_Word v = vaddr_next;
    vaddr_next += (pages + 1) * 4096ul; /* leave a guard page */
    return v;
}

int map_frame(seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights, seL4_Word attr)
{
    /* At most three missing table levels below the VSpace root. */
    for (int tries = 0; tries < 4; tries++) {
        seL4_Error err = seL4_ARM_Page_Map(frame, seL4_CapInitThreadVSpace, vaddr, rights,
                                           (seL4_ARM_VMAttributes)attr);
        if (err == seL4_NoError)
            return 0;
        if (err != seL4_FailedLookup)
            FAIL_R(-1, "map_frame(0x%llx): Page_Map: %s", (unsigned long long)vaddr,
                   err_name(err));
        seL4_CPtr pt = alloc_object(seL4_ARM_PageTableObject, 0);
        if (!pt)
            return -1;
        err = seL4_ARM_PageTable_Map(pt, seL4_CapInitThreadVSpace, vaddr,
                                     seL4_ARM_Default_VMAttributes);
        if (err != seL4_NoError)
            FAIL_R(-1, "map_frame(0x%llx): PageTable_Map: %s", (unsigned long long)vaddr,
                   err_name(err));
    }
    FAIL_R(-1, "map_frame(0x%llx): still FailedLookup after 3 page tables",
           (unsigned long long)vaddr);
}

/* ---- Child threads -------------------------------------------------------------- */

#define TLS_BLOCK_SIZE 1024

static uint8_t thread_stacks[TEST_MAX_THREADS][TEST_THREAD_STACK_SIZE]
    __attribute__((aligned(4096)));
static uint8_t thread_tls[TEST_MAX_THREADS][TLS_BLOCK_SIZE] __attribute__((aligned(64)));
static seL4_CPtr pool_ipc_frame[TEST_MAX_THREADS];
static struct thread *live_threads[TEST_MAX_THREADS];

/* The exit trampoline: x30 of every child points here, so returning from the
 * entry function raises an UnknownSyscall fault with THREAD_EXIT_SYSCALL. */
__asm__(".text\n"
        ".global thread_exit_trampoline\n"
        ".type thread_exit_trampoline, %function\n"
        "thread_exit_trampoline:\n"
        "    mov x7, #0x4b45\n"
        ".global thread_exit_svc\n"
        "thread_exit_svc:\n"
        "    svc #0\n"
        "    b thread_exit_trampoline\n"
        ".size thread_exit_trampoline, . - thread_exit_trampoline\n");
extern char thread_exit_trampoline[];

/* Give a child its own copy of the TLS image, with libsel4's IPC buffer pointer set,
 * so libsel4 calls work in children as well. Returns the TPIDR_EL0 value or 0. */
static uintptr_t tls_setup(int idx, seL4_Word ipc_vaddr)
{
    seL4_Word tp = keel_tls_init(thread_tls[idx], TLS_BLOCK_SIZE);
    if (tp == 0)
        FAIL_R(0, "thread TLS: image needs %llu bytes, block has %d",
               (unsigned long long)keel_tls_size(), TLS_BLOCK_SIZE);
    keel_tls_set_ipc_buffer(tp, (seL4_IPCBuffer *)ipc_vaddr);
    return tp;
}

static int thread_create_common(struct thread *t, seL4_CPtr cspace, seL4_Word cspace_data,
                                struct vspace_env *e, seL4_CPtr fault_ep, seL4_Word prio)
{
    int idx = -1;
    for (int i = 0; i < TEST_MAX_THREADS; i++) {
        if (!live_threads[i]) {
            idx = i;
            break;
        }
    }
    if (idx < 0)
        FAIL_R(-1, "thread_create: more than %d live threads", TEST_MAX_THREADS);

    *t = (struct thread){0};
    t->idx = idx;
    t->ipc_vaddr = TEST_VADDR_BASE + (seL4_Word)idx * 4096ul;
    if (!pool_ipc_frame[idx]) {
        seL4_CPtr frame = alloc_object(seL4_ARM_SmallPageObject, 0);
        if (!frame)
            return -1;
        TRY_R(map_frame(frame, t->ipc_vaddr, seL4_ReadWrite, seL4_ARM_Default_VMAttributes), -1);
        pool_ipc_frame[idx] = frame;
    }
    t->ipc_frame = pool_ipc_frame[idx];
    t->stack_base = (uintptr_t)thread_stacks[idx];
    t->stack_top = t->stack_base + TEST_THREAD_STACK_SIZE;
    seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    if (e) {
        TRY_R(vspace_env_map_ipc_buffer(e, t), -1);
        vspace = e->vspace;
    }

    t->tcb = alloc_object(seL4_TCBObject, 0);
    if (!t->tcb)
        return -1;
    t->sc = alloc_object(seL4_SchedContextObject, seL4_MinSchedContextBits);
    if (!t->sc)
        return -1;

    seL4_CPtr schedcontrol = test_bootinfo->schedcontrol.start;
    seL4_Error err = seL4_SchedControl_ConfigureFlags(schedcontrol, t->sc, 1000, 1000, 0, 0, 0);
    if (err)
        FAIL_R(-1, "thread_create: SchedControl_ConfigureFlags: %s", err_name(err));
    err = seL4_TCB_Configure(t->tcb, cspace, cspace_data, vspace, 0, t->ipc_vaddr, t->ipc_frame);
    if (err)
        FAIL_R(-1, "thread_create: TCB_Configure: %s", err_name(err));
    err = seL4_TCB_SetSchedParams(t->tcb, seL4_CapInitThreadTCB, seL4_MaxPrio, prio, t->sc,
                                  fault_ep);
    if (err)
        FAIL_R(-1, "thread_create: TCB_SetSchedParams: %s", err_name(err));

    char name[64];
    tsnprintf(name, sizeof(name), "%s/%d", test_current_name, idx);
    seL4_DebugNameThread(t->tcb, name);

    t->tls = tls_setup(idx, t->ipc_vaddr);
    if (!t->tls)
        return -1;
    t->live = true;
    live_threads[idx] = t;
    return 0;
}

int thread_create(struct thread *t, seL4_CPtr cspace, seL4_Word cspace_data,
                  seL4_CPtr fault_ep, seL4_Word prio)
{
    return thread_create_common(t, cspace, cspace_data, NULL, fault_ep, prio);
}

int thread_create_in(struct thread *t, struct vspace_env *e, seL4_CPtr fault_ep, seL4_Word prio)
{
    if (!e || !e->live)
        FAIL_R(-1, "thread_create_in: no live environment");
    return thread_create_common(t, e->cspace, e->cspace_data, e, fault_ep, prio);
}

int thread_start(struct thread *t, void (*fn)(seL4_Word), seL4_Word arg)
{
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)(uintptr_t)fn;
    regs.sp = t->stack_top;
    regs.spsr = 0;
    regs.x0 = arg;
    regs.x30 = (seL4_Word)(uintptr_t)thread_exit_trampoline;
    regs.tpidr_el0 = t->tls;
    seL4_Error err = seL4_TCB_WriteRegisters(t->tcb, false, 0, 36, &regs);
    if (err)
        FAIL_R(-1, "thread_start: TCB_WriteRegisters: %s", err_name(err));
    err = seL4_TCB_Resume(t->tcb);
    if (err)
        FAIL_R(-1, "thread_start: TCB_Resume: %s", err_name(err));
    return 0;
}

void thread_destroy(struct thread *t)
{
    if (!t || !t->live)
        return;
    (void)seL4_TCB_Suspend(t->tcb);
    cap_delete(t->tcb);
    cap_delete(t->sc);
    t->live = false;
    if (live_threads[t->idx] == t)
        live_threads[t->idx] = NULL;
}

static void vspace_env_destroy_all(void);

void thread_destroy_all(void)
{
    for (int i = 0; i < TEST_MAX_THREADS; i++)
        if (live_threads[i])
            thread_destroy(live_threads[i]);
    vspace_env_destroy_all();
}

int read_regs(seL4_CPtr tcb, seL4_UserContext *regs)
{
    seL4_Error err = seL4_TCB_ReadRegisters(tcb, false, 0, 36, regs);
    if (err)
        FAIL_R(-1, "TCB_ReadRegisters: %s", err_name(err));
    return 0;
}

/* ---- Child address spaces ------------------------------------------------------------ */

/* Each environment slot keeps its private untyped and its three root CNode slots across
 * tests: destroying an environment revokes the untyped, which empties the slots. */
#define ENV_UT_BITS 18
#define ENV_KIT_SPARE 128 /* kit slots beyond the image frames: tables, IPC buffers, extras */

struct env_res {
    seL4_CPtr ut, vspace, kit, cspace;
};
static struct env_res env_res[TEST_MAX_ENVS];
static struct vspace_env *live_envs[TEST_MAX_ENVS];
/* Root slots where caps are staged before they move to a kit: frame copies, page tables,
 * probe frames. */
static seL4_CPtr env_scratch, env_scratch_pt, env_probe;

static seL4_Word ceil_log2(seL4_Word n)
{
    seL4_Word b = 0;
    while ((1ul << b) < n)
        b++;
    return b;
}

/* Move the cap staged in root slot `from` into the next kit slot. */
static int env_stash(struct vspace_env *e, seL4_CPtr from)
{
    if (e->kit_next >= (1ul << e->kit_bits))
        FAIL_R(-1, "vspace_env: kit CNode full (%llu slots)", (unsigned long long)e->kit_next);
    seL4_Error err = seL4_CNode_Move(e->kit, e->kit_next, (seL4_Uint8)e->kit_bits,
                                     seL4_CapInitThreadCNode, from, 64);
    if (err)
        FAIL_R(-1, "vspace_env: Move into the kit: %s", err_name(err));
    e->kit_next++;
    return 0;
}

/* Retype a page table, map it for vaddr (at the first missing level), keep it in the kit. */
static int env_add_table(struct vspace_env *e, seL4_Word vaddr)
{
    seL4_Error err = seL4_Untyped_Retype(e->ut, seL4_ARM_PageTableObject, 0,
                                         seL4_CapInitThreadCNode, 0, 0, env_scratch_pt, 1);
    if (err)
        FAIL_R(-1, "vspace_env: Retype of a page table: %s", err_name(err));
    err = seL4_ARM_PageTable_Map(env_scratch_pt, e->vspace, vaddr, seL4_ARM_Default_VMAttributes);
    if (err) {
        cap_delete(env_scratch_pt);
        FAIL_R(-1, "vspace_env: PageTable_Map(0x%llx): %s", (unsigned long long)vaddr,
               err_name(err));
    }
    return env_stash(e, env_scratch_pt);
}

int vspace_env_map(struct vspace_env *e, seL4_CPtr frame, seL4_Word vaddr,
                   seL4_CapRights_t rights, seL4_Word attr)
{
    for (int tries = 0; tries < 4; tries++) {
        seL4_Error err = seL4_ARM_Page_Map(frame, e->vspace, vaddr, rights,
                                           (seL4_ARM_VMAttributes)attr);
        if (err == seL4_NoError)
            return 0;
        if (err != seL4_FailedLookup || seL4_GetMR(1) != seL4_MissingCapability)
            FAIL_R(-1, "vspace_env_map(0x%llx): Page_Map: %s", (unsigned long long)vaddr,
                   err_name(err));
        TRY_R(env_add_table(e, vaddr), -1);
    }
    FAIL_R(-1, "vspace_env_map(0x%llx): still FailedLookup after 3 page tables",
           (unsigned long long)vaddr);
}

int vspace_env_map_tables(struct vspace_env *e, seL4_Word vaddr)
{
    /* A throwaway 4 KiB frame probes for the missing levels. */
    seL4_Error err = seL4_Untyped_Retype(e->ut, seL4_ARM_SmallPageObject, 0,
                                         seL4_CapInitThreadCNode, 0, 0, env_probe, 1);
    if (err)
        FAIL_R(-1, "vspace_env_map_tables: Retype: %s", err_name(err));
    int r = vspace_env_map(e, env_probe, vaddr & ~0xffful, seL4_ReadWrite,
                           seL4_ARM_Default_VMAttributes);
    cap_delete(env_probe); /* unmaps the probe; the tables stay */
    return r;
}

int vspace_env_map_copy(struct vspace_env *e, seL4_CPtr frame, seL4_Word vaddr,
                        seL4_CapRights_t rights, seL4_Word attr)
{
    seL4_Error err = seL4_CNode_Copy(seL4_CapInitThreadCNode, env_scratch, 64,
                                     seL4_CapInitThreadCNode, frame, 64, seL4_AllRights);
    if (err)
        FAIL_R(-1, "vspace_env_map_copy: Copy of %llu: %s", (unsigned long long)frame,
               err_name(err));
    if (vspace_env_map(e, env_scratch, vaddr, rights, attr)) {
        cap_delete(env_scratch);
        return -1;
    }
    return env_stash(e, env_scratch);
}

int vspace_env_give(struct vspace_env *e, seL4_Word slot, seL4_CPtr src, seL4_CapRights_t rights)
{
    seL4_Error err = seL4_CNode_Copy(e->cspace, slot, (seL4_Uint8)e->cspace_bits,
                                     seL4_CapInitThreadCNode, src, 64, rights);
    if (err)
        FAIL_R(-1, "vspace_env_give(slot %llu, cap %llu): %s", (unsigned long long)slot,
               (unsigned long long)src, err_name(err));
    return 0;
}

int vspace_env_map_ipc_buffer(struct vspace_env *e, const struct thread *t)
{
    if (e->ipc_mapped & (1u << t->idx))
        return 0;
    TRY_R(vspace_env_map_copy(e, t->ipc_frame, t->ipc_vaddr, seL4_ReadWrite,
                              seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever), -1);
    e->ipc_mapped |= 1u << t->idx;
    return 0;
}

int vspace_env_create(struct vspace_env *e, seL4_CPtr asid_pool, seL4_Word cspace_bits)
{
    int idx = -1;
    for (int i = 0; i < TEST_MAX_ENVS; i++) {
        if (!live_envs[i]) {
            idx = i;
            break;
        }
    }
    if (idx < 0)
        FAIL_R(-1, "vspace_env_create: more than %d live environments", TEST_MAX_ENVS);
    if (!env_scratch) {
        seL4_CPtr slots = alloc_slots(3);
        if (!slots)
            return -1;
        env_scratch = slots;
        env_scratch_pt = slots + 1;
        env_probe = slots + 2;
    }
    struct env_res *r = &env_res[idx];
    if (!r->ut) {
        r->ut = alloc_object(seL4_UntypedObject, ENV_UT_BITS);
        seL4_CPtr slots = alloc_slots(3);
        if (!r->ut || !slots)
            return -1;
        r->vspace = slots;
        r->kit = slots + 1;
        r->cspace = slots + 2;
    }

    const seL4_BootInfo *bi = test_bootinfo;
    seL4_Word nframes = bi->userImageFrames.end - bi->userImageFrames.start;
    seL4_Word vstart = (seL4_Word)(uintptr_t)bi->ipcBuffer - nframes * 4096ul;

    *e = (struct vspace_env){0};
    e->idx = idx;
    e->ut = r->ut;
    e->vspace = r->vspace;
    e->kit = r->kit;
    e->cspace = r->cspace;
    e->kit_bits = ceil_log2(nframes + ENV_KIT_SPARE);
    e->cspace_bits = cspace_bits;
    e->cspace_data = 64 - cspace_bits; /* guard 0 of 64 - bits: one-level cptrs */
    if (e->kit_bits + 5 > ENV_UT_BITS - 2)
        FAIL_R(-1, "vspace_env_create: %llu image frames need a bigger private untyped",
               (unsigned long long)nframes);

    seL4_Error err;
    if ((err = seL4_Untyped_Retype(e->ut, seL4_CapTableObject, e->kit_bits,
                                   seL4_CapInitThreadCNode, 0, 0, e->kit, 1)) ||
        (err = seL4_Untyped_Retype(e->ut, seL4_CapTableObject, cspace_bits,
                                   seL4_CapInitThreadCNode, 0, 0, e->cspace, 1)) ||
        (err = seL4_Untyped_Retype(e->ut, seL4_ARM_VSpaceObject, 0, seL4_CapInitThreadCNode,
                                   0, 0, e->vspace, 1))) {
        (void)seL4_CNode_Revoke(seL4_CapInitThreadCNode, e->ut, 64);
        FAIL_R(-1, "vspace_env_create: Retype: %s", err_name(err));
    }
    e->live = true;
    live_envs[idx] = e;
    err = seL4_ARM_ASIDPool_Assign(asid_pool ? asid_pool : seL4_CapInitThreadASIDPool, e->vspace);
    if (err)
        FAIL_R(-1, "vspace_env_create: ASIDPool_Assign: %s", err_name(err));

    for (seL4_Word i = 0; i < nframes; i++)
        TRY_R(vspace_env_map_copy(e, bi->userImageFrames.start + i, vstart + i * 4096ul,
                                  seL4_ReadWrite, seL4_ARM_Default_VMAttributes), -1);
    return 0;
}

void vspace_env_destroy(struct vspace_env *e)
{
    if (!e || !e->live)
        return;
    /* Kit first (unmaps the frames, deletes the tables), then the rest. */
    cap_delete(e->kit);
    (void)seL4_CNode_Revoke(seL4_CapInitThreadCNode, e->ut, 64);
    e->live = false;
    if (live_envs[e->idx] == e)
        live_envs[e->idx] = NULL;
}

static void vspace_env_destroy_all(void)
{
    for (int i = 0; i < TEST_MAX_ENVS; i++)
        if (live_envs[i])
            vspace_env_destroy(live_envs[i]);
}

/* ---- Fault endpoints ------------------------------------------------------------ */

static seL4_Word next_fault_badge = 0xfa0100;

int fault_ep_create(struct fault_ep *f)
{
    f->ep = alloc_object(seL4_EndpointObject, 0);
    if (!f->ep)
        return -1;
    f->badge = next_fault_badge++;
    f->badged = cap_mint(f->ep, seL4_AllRights, f->badge);
    if (!f->badged)
        return -1;
    f->reply = alloc_object(seL4_ReplyObject, 0);
    if (!f->reply)
        return -1;
    return 0;
}

int fault_poll(struct fault_ep *f, seL4_MessageInfo_t *info, unsigned max_polls)
{
    for (unsigned i = 0; i < max_polls; i++) {
        seL4_Word badge = 0;
        seL4_MessageInfo_t mi = seL4_NBRecv(f->ep, &badge, f->reply);
        if (badge != 0) {
            if (badge != f->badge)
                FAIL_R(-1, "fault message with badge 0x%llx, want 0x%llx",
                       (unsigned long long)badge, (unsigned long long)f->badge);
            *info = mi;
            return 0;
        }
        seL4_Yield();
    }
    return 1;
}

int fault_wait(struct fault_ep *f, seL4_MessageInfo_t *info, unsigned max_polls)
{
    int r = fault_poll(f, info, max_polls);
    if (r == 1)
        FAIL_R(-1, "no fault message after %u polls", max_polls);
    return r;
}

void fault_reply(struct fault_ep *f, seL4_Word label, seL4_Word len, const seL4_Word *mrs)
{
    for (seL4_Word i = 0; i < len; i++)
        seL4_SetMR((int)i, mrs[i]);
    seL4_Send(f->reply, seL4_MessageInfo_new(label, 0, 0, len));
}

int fault_wait_exit(struct fault_ep *f)
{
    seL4_MessageInfo_t info;
    TRY_R(fault_wait(f, &info, FAULT_WAIT_POLLS), -1);
    seL4_Word label = seL4_MessageInfo_get_label(info);
    if (label != seL4_Fault_UnknownSyscall || seL4_GetMR(seL4_UnknownSyscall_Syscall) !=
                                                  THREAD_EXIT_SYSCALL)
        FAIL_R(-1, "expected the child's exit fault, got label %llu (MR12 0x%llx, MR0 0x%llx)",
               (unsigned long long)label,
               (unsigned long long)seL4_GetMR(seL4_UnknownSyscall_Syscall),
               (unsigned long long)seL4_GetMR(0));
    return 0;
}

/* ---- Memory access probes and VM faults ------------------------------------------------ */

__asm__(".text\n"
        ".global probe_load\n"
        ".type probe_load, %function\n"
        "probe_load:\n"
        ".global probe_load_insn\n"
        "probe_load_insn:\n"
        "    ldr x0, [x0]\n"
        "    ret\n"
        ".size probe_load, . - probe_load\n"
        ".global probe_store\n"
        ".type probe_store, %function\n"
        "probe_store:\n"
        ".global probe_store_insn\n"
        "probe_store_insn:\n"
        "    str x1, [x0]\n"
        "    ret\n"
        ".size probe_store, . - probe_store\n"
        ".global probe_call\n"
        ".type probe_call, %function\n"
        "probe_call:\n"
        "    stp x29, x30, [sp, #-16]!\n"
        ".global probe_call_insn\n"
        "probe_call_insn:\n"
        "    blr x0\n"
        "    ldp x29, x30, [sp], #16\n"
        "    ret\n"
        ".size probe_call, . - probe_call\n");

int expect_vm_fault_at(const char *file, int line, struct fault_ep *f, seL4_Word ip,
                       seL4_Word addr, int prefetch, int fsc, int write)
{
    seL4_MessageInfo_t info;
    int r = fault_poll(f, &info, FAULT_WAIT_POLLS);
    if (r < 0)
        return -1;
    if (r == 1) {
        test_fail(file, line, "no VMFault (ip 0x%llx, addr 0x%llx) after %u polls",
                  (unsigned long long)ip, (unsigned long long)addr, FAULT_WAIT_POLLS);
        return -1;
    }
    seL4_Word label = seL4_MessageInfo_get_label(info);
    seL4_Word len = seL4_MessageInfo_get_length(info);
    seL4_Word m[4] = {seL4_GetMR(0), seL4_GetMR(1), seL4_GetMR(2), seL4_GetMR(3)};
    const char *what = NULL;
    if (label != seL4_Fault_VMFault)
        what = "label";
    else if (len != seL4_VMFault_Length)
        what = "length";
    else if (m[seL4_VMFault_IP] != ip)
        what = "IP";
    else if (m[seL4_VMFault_Addr] != addr)
        what = "Addr";
    else if (m[seL4_VMFault_PrefetchFault] != (seL4_Word)prefetch)
        what = "PrefetchFault";
    else if (FSR_EC(m[seL4_VMFault_FSR]) != (prefetch ? FSR_EC_IABT_LOWER : FSR_EC_DABT_LOWER))
        what = "FSR EC";
    else if (!(m[seL4_VMFault_FSR] & FSR_IL) || (m[seL4_VMFault_FSR] >> 32) != 0)
        what = "FSR IL / upper half";
    else if (fsc != FSC_ANY && FSR_FSC(m[seL4_VMFault_FSR]) != (seL4_Word)fsc)
        what = "FSR FSC";
    else if (!prefetch && write >= 0 && !!(m[seL4_VMFault_FSR] & FSR_WNR) != !!write)
        what = "FSR WnR";
    if (what) {
        test_fail(file, line,
                  "VMFault %s: label %llu len %llu MR0 0x%llx MR1 0x%llx MR2 %llu MR3 0x%llx; "
                  "want ip 0x%llx addr 0x%llx prefetch %d fsc 0x%x write %d",
                  what, (unsigned long long)label, (unsigned long long)len,
                  (unsigned long long)m[0], (unsigned long long)m[1], (unsigned long long)m[2],
                  (unsigned long long)m[3], (unsigned long long)ip, (unsigned long long)addr,
                  prefetch, fsc, write);
        return -1;
    }
    return 0;
}

int skip_insn(const struct thread *t)
{
    seL4_UserContext regs;
    TRY_R(read_regs(t->tcb, &regs), -1);
    regs.pc += 4;
    seL4_Error err = seL4_TCB_WriteRegisters(t->tcb, false, 0, 1, &regs);
    if (err)
        FAIL_R(-1, "skip_insn: TCB_WriteRegisters: %s", err_name(err));
    return 0;
}

/* ---- Raw system calls ---------------------------------------------------------------- */

/* Saves x19..x30 and the out pointer in a 112-byte frame; x30 holds `in` while the
 * registers are loaded (the kernel preserves every register it does not return in). */
__asm__(".text\n"
        ".global raw_syscall\n"
        ".type raw_syscall, %function\n"
        "raw_syscall:\n"
        "    sub sp, sp, #112\n"
        "    stp x29, x30, [sp, #0]\n"
        "    stp x19, x20, [sp, #16]\n"
        "    stp x21, x22, [sp, #32]\n"
        "    stp x23, x24, [sp, #48]\n"
        "    stp x25, x26, [sp, #64]\n"
        "    stp x27, x28, [sp, #80]\n"
        "    str x1, [sp, #96]\n"
        "    mov x30, x0\n"
        "    ldp x0, x1, [x30, #0]\n"
        "    ldp x2, x3, [x30, #16]\n"
        "    ldp x4, x5, [x30, #32]\n"
        "    ldp x6, x7, [x30, #48]\n"
        "    ldp x8, x9, [x30, #64]\n"
        "    ldp x10, x11, [x30, #80]\n"
        "    ldp x12, x13, [x30, #96]\n"
        "    ldp x14, x15, [x30, #112]\n"
        "    ldp x16, x17, [x30, #128]\n"
        "    ldp x18, x19, [x30, #144]\n"
        "    ldp x20, x21, [x30, #160]\n"
        "    ldp x22, x23, [x30, #176]\n"
        "    ldp x24, x25, [x30, #192]\n"
        "    ldp x26, x27, [x30, #208]\n"
        "    ldr x28, [x30, #224]\n"
        ".global raw_syscall_svc\n"
        "raw_syscall_svc:\n"
        "    svc #0\n"
        "    str x0, [sp, #104]\n"
        "    ldr x30, [sp, #96]\n"
        "    ldr x0, [sp, #104]\n"
        "    stp x0, x1, [x30, #0]\n"
        "    stp x2, x3, [x30, #16]\n"
        "    stp x4, x5, [x30, #32]\n"
        "    stp x6, x7, [x30, #48]\n"
        "    stp x8, x9, [x30, #64]\n"
        "    stp x10, x11, [x30, #80]\n"
        "    stp x12, x13, [x30, #96]\n"
        "    stp x14, x15, [x30, #112]\n"
        "    stp x16, x17, [x30, #128]\n"
        "    stp x18, x19, [x30, #144]\n"
        "    stp x20, x21, [x30, #160]\n"
        "    stp x22, x23, [x30, #176]\n"
        "    stp x24, x25, [x30, #192]\n"
        "    stp x26, x27, [x30, #208]\n"
        "    str x28, [x30, #224]\n"
        "    mov x0, sp\n"
        "    str x0, [x30, #232]\n"
        "    ldp x29, x30, [sp, #0]\n"
        "    ldp x19, x20, [sp, #16]\n"
        "    ldp x21, x22, [sp, #32]\n"
        "    ldp x23, x24, [sp, #48]\n"
        "    ldp x25, x26, [sp, #64]\n"
        "    ldp x27, x28, [sp, #80]\n"
        "    add sp, sp, #112\n"
        "    ret\n"
        ".size raw_syscall, . - raw_syscall\n");

/* ---- Random numbers ---------------------------------------------------------------- */

uint64_t trand_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1dull;
}
