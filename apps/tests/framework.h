/*
 * Keel QEMU test root task: a tiny test framework.
 *
 * A test is a function declared with TEST(name) and listed in TEST_LIST (main.c);
 * the runner calls them in list order and prints, for each, exactly one line
 *     [test] <name>: PASS
 *     [test] <name>: FAIL <reason>
 * and at the end "[test] all done". Lines a test prints itself never start with
 * "[test]" (use tinfo(), which prefixes "  info: ").
 *
 * CHECK(cond) / CHECK_EQ(a, b) / CHECK_ERR(expr, err) record the first failure
 * (file, line, both values) and return from the current function. Helpers that
 * return a value use the *_R variants, whose last argument is the value to return.
 *
 * Resources: alloc_slot() hands out free slots of the root CNode (bootinfo->empty),
 * alloc_object(type, size_bits) retypes one object from the boot untypeds into a new
 * slot. thread_*() create child threads in the root task's own VSpace (and, by default,
 * CSpace). fault_ep_*() receive faults of those threads without ever blocking forever.
 */
#ifndef KEEL_TESTS_FRAMEWORK_H
#define KEEL_TESTS_FRAMEWORK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sel4/sel4.h>

/* ---- Output ------------------------------------------------------------ */

/* printf-like formatting: %s %c %d %i %u %x %X %p %%, with l/ll/z length
 * modifiers, '0' flag and a field width. Output goes through seL4_DebugPutChar. */
void tprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tinfo(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tsnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int tvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

const char *err_name(seL4_Word err);

/* ---- Failure recording --------------------------------------------------- */

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool test_failed(void);

#define FAIL_R(rv, ...)                                                        \
    do {                                                                       \
        test_fail(__FILE__, __LINE__, __VA_ARGS__);                            \
        return rv;                                                             \
    } while (0)
#define FAIL(...) FAIL_R(, __VA_ARGS__)

#define CHECK_R(cond, rv)                                                      \
    do {                                                                       \
        if (!(cond)) {                                                         \
            test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                 \
            return rv;                                                         \
        }                                                                      \
    } while (0)
#define CHECK(cond) CHECK_R(cond, )

#define CHECK_EQ_R(a, b, rv)                                                   \
    do {                                                                       \
        uint64_t _ca = (uint64_t)(a), _cb = (uint64_t)(b);                     \
        if (_ca != _cb) {                                                      \
            test_fail(__FILE__, __LINE__, "%s == %s: got 0x%llx (%lld), want 0x%llx (%lld)", \
                      #a, #b, (unsigned long long)_ca, (long long)_ca,         \
                      (unsigned long long)_cb, (long long)_cb);                \
            return rv;                                                         \
        }                                                                      \
    } while (0)
#define CHECK_EQ(a, b) CHECK_EQ_R(a, b, )

/* An invocation result (seL4_Error) compared with the expected error code. */
#define CHECK_ERR_R(expr, want, rv)                                            \
    do {                                                                       \
        seL4_Word _ce = (seL4_Word)(expr), _cw = (seL4_Word)(want);            \
        if (_ce != _cw) {                                                      \
            test_fail(__FILE__, __LINE__, "%s: got %s (%llu), want %s (%llu)", \
                      #expr, err_name(_ce), (unsigned long long)_ce,           \
                      err_name(_cw), (unsigned long long)_cw);                 \
            return rv;                                                         \
        }                                                                      \
    } while (0)
#define CHECK_ERR(expr, want) CHECK_ERR_R(expr, want, )
#define CHECK_OK(expr) CHECK_ERR(expr, seL4_NoError)
#define CHECK_OK_R(expr, rv) CHECK_ERR_R(expr, seL4_NoError, rv)

/* Message register i of the last reply compared with a value. */
#define CHECK_MR(i, want) CHECK_EQ(seL4_GetMR(i), want)

/* Propagate a helper's failure (helpers return 0 on success, nonzero after test_fail). */
#define TRY(expr)                                                              \
    do {                                                                       \
        if ((expr) != 0)                                                       \
            return;                                                            \
    } while (0)
#define TRY_R(expr, rv)                                                        \
    do {                                                                       \
        if ((expr) != 0)                                                       \
            return rv;                                                         \
    } while (0)

/* ---- Test declaration ---------------------------------------------------- */

#define TEST(name) void test_##name(void)

struct test_desc {
    const char *name;
    void (*fn)(void);
};

/* ---- Environment ---------------------------------------------------------- */

extern seL4_BootInfo *test_bootinfo;
/* Name of the running test (child threads are named after it). */
extern const char *test_current_name;

/* Word at a byte offset of the bootinfo frame (independent of libsel4's struct). */
static inline seL4_Word bi_word(size_t off)
{
    return *(volatile seL4_Word *)((uintptr_t)test_bootinfo + off);
}

/* ---- Raw invocation with full reply access ------------------------------- */

/* Call `service` with `label`, `len` MRs from `mrs`, `ncaps` extra caps from `caps`.
 * Returns the reply msginfo; the reply MRs are readable with seL4_GetMR(). */
seL4_MessageInfo_t raw_call(seL4_CPtr service, seL4_Word label, seL4_Word len,
                            const seL4_Word *mrs, seL4_Word ncaps, const seL4_CPtr *caps);

/* Check a reply: label == err, length == number of listed words, MR i == word i. */
int check_reply_at(const char *file, int line, seL4_MessageInfo_t info, seL4_Word err,
                   const seL4_Word *mrs, seL4_Word len);
#define CHECK_REPLY_R(rv, info, err, ...)                                      \
    TRY_R(check_reply_at(__FILE__, __LINE__, info, err, (const seL4_Word[]){__VA_ARGS__}, \
                         sizeof((const seL4_Word[]){__VA_ARGS__}) / sizeof(seL4_Word)), rv)
#define CHECK_REPLY(info, err, ...) CHECK_REPLY_R(, info, err, __VA_ARGS__)
/* A reply without message words (success without results, or errors with none). */
#define CHECK_REPLY0(info, err)                                                \
    TRY(check_reply_at(__FILE__, __LINE__, info, err, NULL, 0))

/* ---- Slots and objects ----------------------------------------------------- */

void alloc_init(seL4_BootInfo *bi);
/* A fresh empty slot of the root CNode (depth 64), or 0 after recording a failure. */
seL4_CPtr alloc_slot(void);
/* `n` consecutive fresh slots; returns the first, or 0. */
seL4_CPtr alloc_slots(seL4_Word n);
/* Bytes occupied by an object of `type` created with `size_bits` (log2), or -1. */
int object_size_bits(seL4_Word type, seL4_Word size_bits);
/* Retype one object from the boot (non-device) untypeds into a fresh slot.
 * Returns its cptr, or 0 after recording a failure. */
seL4_CPtr alloc_object(seL4_Word type, seL4_Word size_bits);
/* Slot of a boot device untyped with sizeBits >= min_bits (not yet used by the
 * allocator), or 0. */
seL4_CPtr find_device_untyped(seL4_Word min_bits, seL4_Word *paddr, seL4_Word *size_bits);
/* Copy/mint helpers within the root CNode (depth 64); return the new slot or 0. */
seL4_CPtr cap_copy(seL4_CPtr src, seL4_CapRights_t rights);
seL4_CPtr cap_mint(seL4_CPtr src, seL4_CapRights_t rights, seL4_Word badge);
/* Delete a cap of the root CNode (errors ignored). */
void cap_delete(seL4_CPtr slot);

/* ---- Virtual memory -------------------------------------------------------- */

/* Free virtual region for test mappings (above the root image). */
#define TEST_VADDR_BASE 0x10000000ul
/* Map a 4 KiB frame into the root VSpace, creating page tables as needed. */
int map_frame(seL4_CPtr frame, seL4_Word vaddr, seL4_CapRights_t rights, seL4_Word attr);
/* A fresh page-aligned virtual address (4 KiB) in the test region. */
seL4_Word alloc_vaddr(seL4_Word pages);

/* ---- Child threads ---------------------------------------------------------- */

#define TEST_THREAD_STACK_SIZE 16384
#define TEST_MAX_THREADS 16
#define TEST_CHILD_PRIO 255 /* same as the root task: round robin with it */

struct thread {
    bool live;
    int idx;             /* pool index: stack, TLS block and IPC buffer */
    seL4_CPtr tcb, sc;
    seL4_CPtr ipc_frame;  /* shared per pool index, kept across tests */
    seL4_Word ipc_vaddr;
    uintptr_t stack_base, stack_top;
    uintptr_t tls;
};

/* Create a thread (TCB + configured SC) in the root VSpace with CSpace `cspace`
 * (cspace_data applied as CNode guard data when nonzero), fault handler `fault_ep`
 * (0 = none) and priority `prio`. It does not run until thread_start(). */
int thread_create(struct thread *t, seL4_CPtr cspace, seL4_Word cspace_data,
                  seL4_CPtr fault_ep, seL4_Word prio);
/* Start `fn(arg)` on the thread's stack. If fn returns, the thread raises an
 * UnknownSyscall fault with number THREAD_EXIT_SYSCALL (and stops). */
int thread_start(struct thread *t, void (*fn)(seL4_Word), seL4_Word arg);
/* Suspend and delete the thread's TCB and SC caps (destroying them). */
void thread_destroy(struct thread *t);
/* Destroy every thread still alive, then every vspace_env still alive (the runner
 * calls this after each test). */
void thread_destroy_all(void);

#define THREAD_EXIT_SYSCALL 0x4b45ul /* an unknown syscall number: "child is done" */

/* Address of the `svc` in the exit trampoline (UnknownSyscall FaultIP on exit). */
extern char thread_exit_svc[];

/* ---- Child address spaces (own VSpace and CSpace) --------------------------------- */

/*
 * A VSpace of its own for child threads, plus a CSpace of its own. The root task's
 * image (code, data, bss: stacks, TLS blocks) is mapped into it at the same addresses
 * through copied frame caps, so a child runs the same functions and the root task can
 * still watch its progress through shared variables; anything else exists in the child's
 * VSpace only if a test maps it there. The VSpace, its page tables and the two CNodes are
 * retyped from a private untyped; the copied frame caps and the tables live in a "kit"
 * CNode. Threads made with thread_create_in() run in it; thread_destroy_all() also
 * destroys every environment a test left behind.
 */
struct vspace_env {
    bool live;
    int idx;               /* pool index (private untyped and slots, reused) */
    seL4_CPtr ut;          /* private untyped */
    seL4_CPtr vspace;      /* VSpace cap (root CNode), assigned an ASID */
    seL4_CPtr kit;         /* CNode with the copied frame caps and page tables */
    seL4_Word kit_bits, kit_next;
    seL4_CPtr cspace;      /* the children's CSpace root (root CNode slot) */
    seL4_Word cspace_bits; /* its radix; guard makes cptrs single-level */
    seL4_Word cspace_data; /* CNode cap data for TCB_Configure (guard size 64 - bits) */
    uint32_t ipc_mapped;   /* thread pool indices whose IPC buffer is mapped here */
};

#define TEST_MAX_ENVS 6

/* Create an environment whose VSpace gets its ASID from `asid_pool` (0: the root task's
 * pool) and whose CSpace has 2^cspace_bits slots (all empty). 0 on success. */
int vspace_env_create(struct vspace_env *e, seL4_CPtr asid_pool, seL4_Word cspace_bits);
/* Map frame cap `frame` (a root CNode slot; the cap itself, not a copy) into the
 * environment's VSpace, creating the page tables it needs (kept in the kit). */
int vspace_env_map(struct vspace_env *e, seL4_CPtr frame, seL4_Word vaddr,
                   seL4_CapRights_t rights, seL4_Word attr);
/* Like vspace_env_map, but maps a fresh copy of `frame` kept in the kit. */
int vspace_env_map_copy(struct vspace_env *e, seL4_CPtr frame, seL4_Word vaddr,
                        seL4_CapRights_t rights, seL4_Word attr);
/* Create the page tables needed to map a 4 KiB page at vaddr (kept in the kit). */
int vspace_env_map_tables(struct vspace_env *e, seL4_Word vaddr);
/* Copy root CNode cap `src` (with `rights`) into slot `slot` of the child CSpace; the
 * child names it by cptr `slot`. */
int vspace_env_give(struct vspace_env *e, seL4_Word slot, seL4_CPtr src, seL4_CapRights_t rights);
/* Destroy the environment (its VSpace, tables, CNodes and caps); threads using it fault. */
void vspace_env_destroy(struct vspace_env *e);
/* Like thread_create, but the thread runs in e's VSpace with e's CSpace. */
int thread_create_in(struct thread *t, struct vspace_env *e, seL4_CPtr fault_ep, seL4_Word prio);
/* Map the IPC buffer of thread t (made by thread_create*) into e (for TCB_SetSpace). */
int vspace_env_map_ipc_buffer(struct vspace_env *e, const struct thread *t);

/* ---- Fault endpoints ---------------------------------------------------------- */

struct fault_ep {
    seL4_CPtr ep;      /* original endpoint cap, used to receive */
    seL4_CPtr badged;  /* badged copy (all rights) handed out as fault handler */
    seL4_CPtr reply;   /* reply object used when receiving */
    seL4_Word badge;
};

int fault_ep_create(struct fault_ep *f);
/* Poll (NBRecv + Yield) for a fault message for at most `max_polls` rounds.
 * Returns 0 with *info set and MRs readable via seL4_GetMR, or -1 (failure
 * recorded) on timeout or when the badge is wrong. */
int fault_wait(struct fault_ep *f, seL4_MessageInfo_t *info, unsigned max_polls);
/* Like fault_wait but without recording a failure on timeout: returns 1 on timeout. */
int fault_poll(struct fault_ep *f, seL4_MessageInfo_t *info, unsigned max_polls);
/* Reply through the reply object: label and `len` words from `mrs`. */
void fault_reply(struct fault_ep *f, seL4_Word label, seL4_Word len, const seL4_Word *mrs);
/* Wait for the exit fault of a thread started with thread_start (fn returned). */
int fault_wait_exit(struct fault_ep *f);

#define FAULT_WAIT_POLLS 20000u

/* Read all 36 registers of a thread (not the caller). 0 on success. */
int read_regs(seL4_CPtr tcb, seL4_UserContext *regs);

/* ---- Memory access probes and VM faults ------------------------------------------ */

/* One load / store / call instruction each, at a known address (the fault IP). */
seL4_Word probe_load(seL4_Word addr);             /* ldr x0, [x0] at probe_load_insn */
void probe_store(seL4_Word addr, seL4_Word value); /* str x1, [x0] at probe_store_insn */
seL4_Word probe_call(seL4_Word addr);             /* blr x0 at probe_call_insn */
extern char probe_load_insn[], probe_store_insn[], probe_call_insn[];

/* ESR fields of a VMFault's FSR word (ABI (f): the low 32 bits of ESR_EL1). */
#define FSR_EC(fsr) (((fsr) >> 26) & 0x3f)
#define FSR_IL (1ull << 25)
#define FSR_WNR (1ull << 6)             /* data aborts: the access was a write */
#define FSR_FSC(fsr) ((fsr) & 0x3f)     /* DFSC / IFSC */
#define FSR_EC_IABT_LOWER 0x20
#define FSR_EC_DABT_LOWER 0x24
#define FSC_TRANSLATION(level) (0x04 + (level))
#define FSC_PERMISSION(level) (0x0c + (level))
#define FSC_ALIGNMENT 0x21
#define FSC_ANY -1

/* Wait for a VMFault on f and check it: label, length 4, MR0 = ip, MR1 = addr,
 * MR2 = prefetch, FSR EC (from prefetch), FSC (unless FSC_ANY) and, for data aborts,
 * WnR == write (unless write < 0). Returns 0 (MRs still readable) or -1 after a failure
 * reported at the caller's file/line. */
int expect_vm_fault_at(const char *file, int line, struct fault_ep *f, seL4_Word ip,
                       seL4_Word addr, int prefetch, int fsc, int write);
#define EXPECT_VM_FAULT_R(rv, f, ip, addr, prefetch, fsc, write)               \
    TRY_R(expect_vm_fault_at(__FILE__, __LINE__, f, (seL4_Word)(ip), (seL4_Word)(addr), \
                             prefetch, fsc, write), rv)
#define EXPECT_VM_FAULT(f, ip, addr, prefetch, fsc, write)                     \
    EXPECT_VM_FAULT_R(, f, ip, addr, prefetch, fsc, write)
/* Move a stopped (faulted) thread's pc past the faulting instruction (pc += 4). */
int skip_insn(const struct thread *t);

/* ---- Raw system calls ---------------------------------------------------------- */

/* in[0..28] are loaded into x0..x28, then `svc #0` (at raw_syscall_svc) is executed;
 * afterwards out[0..28] receive x0..x28 and out[29] the sp the svc ran with. */
#define RAW_IN_REGS 29
#define RAW_OUT_REGS 30
void raw_syscall(const seL4_Word *in, seL4_Word *out);
extern char raw_syscall_svc[];

/* Pseudo-random numbers (xorshift64*), fixed seed per test. */
uint64_t trand_next(uint64_t *state);

#endif /* KEEL_TESTS_FRAMEWORK_H */
