/*
 * Tests of libs/cpio, libs/elf and libs/process: programs from SOS's archive run as
 * processes, with this root task answering the few SOS calls they make and paging them
 * on demand.
 */
#include <string.h>
#include <cpio/cpio.h>
#include <elf/elf.h>
#include <process/process.h>
#include <sos.h>
#include "../archive.h"
#include "libtest.h"

#define BADGE_SYSCALL   0x100
#define BADGE_FAULT     0x200
#define CHILD_PRIORITY  100

void test_cpio(void)
{
    cpio_file_t f;
    unsigned count = 0;
    bool have_hello = false, have_sosh = false;
    for (const void *p = sos_archive_start; (p = cpio_next(p, sos_archive_end, &f)) != NULL;) {
        count++;
        have_hello |= strcmp(f.name, "hello") == 0;
        have_sosh |= strcmp(f.name, "sosh") == 0;
    }
    CHECK_MSG(count >= 5 && have_hello && have_sosh, "%u files", count);
    CHECK(cpio_get_entry(sos_archive_start, sos_archive_end, count - 1, &f));
    CHECK(!cpio_get_entry(sos_archive_start, sos_archive_end, count, &f));

    size_t size = 0;
    const char *hello = cpio_get_file(sos_archive_start, "hello", &size);
    CHECK(hello != NULL && size > 64 && memcmp(hello, "\177ELF", 4) == 0);
    CHECK(cpio_get_file(sos_archive_start, "no-such-program", &size) == NULL);
    /* A bound that cuts the archive short ends the walk. */
    CHECK(cpio_next(sos_archive_start, sos_archive_start + 50, &f) == NULL);
}

void test_elf_check(void)
{
    size_t size;
    const char *hello = cpio_get_file(sos_archive_start, "hello", &size);
    CHECK(hello != NULL);
    CHECK(elf_check(hello, size) == ELF_OK);
    CHECK(elf_entry(hello) >= 0x400000 && elf_entry(hello) < 0x1000000);
    CHECK(elf_check(hello, 32) == ELF_ERR_FORMAT);
    CHECK(elf_check("this is not an ELF file, not at all......................", 64) ==
          ELF_ERR_FORMAT);
}

/* ---- running a program ---------------------------------------------------------------------- */

typedef struct run_result {
    int status;                 /* exit status, or -1 if killed */
    unsigned faults_mapped;     /* pages mapped on demand */
    char output[512];
    size_t output_len;
} run_result_t;

static seL4_CPtr reply_cap;

/* Answer the calls of process p until it exits or faults badly. */
static void serve(process_t *p, run_result_t *r)
{
    for (;;) {
        seL4_Word badge;
        seL4_MessageInfo_t info = seL4_Recv(test_ep, &badge, reply_cap);
        seL4_Word label = seL4_MessageInfo_get_label(info);
        if (badge == BADGE_FAULT) {
            if (label == seL4_Fault_VMFault &&
                as_handle_fault(&p->as, seL4_GetMR(seL4_VMFault_Addr),
                                seL4_GetMR(seL4_VMFault_PrefetchFault) != 0,
                                seL4_GetMR(seL4_VMFault_FSR)) == AS_FAULT_MAPPED) {
                r->faults_mapped++;
                seL4_Send(reply_cap, seL4_MessageInfo_new(0, 0, 0, 0));
                continue;
            }
            r->status = -1;
            return;
        }
        seL4_Word n;
        switch (label) {
        case SOS_SYS_WRITE:
            n = seL4_GetMR(0);
            if (n > SOS_MAX_BYTES) {
                n = 0;
            }
            for (seL4_Word i = 0; i < n && r->output_len < sizeof(r->output) - 1; i++) {
                r->output[r->output_len++] = ((char *)&seL4_GetIPCBuffer()->msg[1])[i];
            }
            r->output[r->output_len] = '\0';
            seL4_SetMR(0, n);
            break;
        case SOS_SYS_GETPID:
            seL4_SetMR(0, 1);
            break;
        case SOS_SYS_EXIT:
            r->status = (int)seL4_GetMR(0);
            return;
        default:
            seL4_SetMR(0, (seL4_Word)-1);
            break;
        }
        seL4_Send(reply_cap, seL4_MessageInfo_new(0, 0, 0, 1));
    }
}

static bool run_program(const char *name, bool map_bss, run_result_t *r)
{
    memset(r, 0, sizeof(*r));
    if (reply_cap == seL4_CapNull) {
        ut_t *ut;
        reply_cap = root_env_new_object(&env, seL4_ReplyObject, 0, seL4_ReplyBits, &ut);
    }
    size_t size;
    const void *elf = cpio_get_file(sos_archive_start, name, &size);
    if (elf == NULL) {
        fail_at(__LINE__, "%s is not in the archive", name);
        return false;
    }
    process_attr_t attr = {
        .sched = {
            .cspace = &env.cspace,
            .sched_control = env.bi->schedcontrol.start,
            .authority = seL4_CapInitThreadTCB,
            .priority = CHILD_PRIORITY,
            .budget_us = 5000,
            .period_us = 5000,
            .endpoint = test_ep,
            .fault_badge = BADGE_FAULT,
        },
        .asid_pool = seL4_CapInitThreadASIDPool,
        .ep_badge = BADGE_SYSCALL,
        .map_bss = map_bss,
        .name = name,
    };
    static process_t p;
    if (process_create(&p, &attr, elf, size) != 0 ||
        as_define_region(&p.as, SOS_HEAP_BASE, SOS_HEAP_SIZE, seL4_ReadWrite,
                         seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever) != 0 ||
        process_start(&p) != 0) {
        process_destroy(&p);
        fail_at(__LINE__, "could not start %s", name);
        return false;
    }
    serve(&p, r);
    process_destroy(&p);
    return true;
}

void test_elf_load_hello(void)
{
    run_result_t r;
    if (!run_program("hello", false, &r)) {
        return;
    }
    CHECK_MSG(r.status == 0, "status %d, output \"%s\"", r.status, r.output);
    CHECK_MSG(strstr(r.output, "hello world! I am process 1") != NULL, "output \"%s\"", r.output);
    CHECK_MSG(r.faults_mapped > 0, "no page was mapped on demand");

    /* Everything mapped at load time (bss too): no faults needed for it. */
    run_result_t eager;
    if (!run_program("hello", true, &eager)) {
        return;
    }
    CHECK_MSG(eager.status == 0 && eager.faults_mapped < r.faults_mapped,
              "status %d, %u faults (lazy: %u)", eager.status, eager.faults_mapped,
              r.faults_mapped);
}

static void memtest_round(void)
{
    run_result_t r;
    if (run_program("memtest", false, &r) &&
        (r.status != 0 || strstr(r.output, "memtest: ok") == NULL)) {
        fail_at(__LINE__, "status %d, output \"%s\"", r.status, r.output);
    }
}

void test_process_memory_returns(void)
{
    memtest_round();
    ut_stats_t a = ut_get_stats();
    size_t frames = frame_table_used();
    memtest_round();
    ut_stats_t b = ut_get_stats();
    CHECK_MSG(a.free_bytes == b.free_bytes && frames == frame_table_used(),
              "free %lu -> %lu, frames %lu -> %lu", a.free_bytes, b.free_bytes,
              (unsigned long)frames, (unsigned long)frame_table_used());

    run_result_t r;
    if (!run_program("fault", false, &r)) {
        return;
    }
    CHECK_MSG(r.status == -1 && strstr(r.output, "still alive") == NULL, "status %d, \"%s\"",
              r.status, r.output);
    ut_stats_t c = ut_get_stats();
    CHECK_MSG(c.free_bytes == b.free_bytes, "killed process left %ld bytes behind",
              (long)(b.free_bytes - c.free_bytes));
}

/* ---- a thread in our own address space ----------------------------------------------------- */

static volatile seL4_Word worker_value;
static volatile seL4_IPCBuffer *worker_ipc;
static seL4_CPtr worker_ntfn;

static seL4_Word sum_to(seL4_Word n)
{
    volatile seL4_Word stack_words[64];     /* some stack */
    for (unsigned i = 0; i < 64; i++) {
        stack_words[i] = n;
    }
    return n == 0 ? 0 : stack_words[n % 64] + sum_to(n - 1);
}

static void worker(void *arg)
{
    worker_ipc = seL4_GetIPCBuffer();       /* TLS works */
    worker_value = sum_to((seL4_Word)arg);
    seL4_Signal(worker_ntfn);
}

void test_thread(void)
{
    ut_t *ntfn_ut;
    worker_ntfn = root_env_new_object(&env, seL4_NotificationObject, 0, seL4_NotificationBits,
                                      &ntfn_ut);
    CHECK(worker_ntfn != seL4_CapNull);
    sched_attr_t attr = {
        .cspace = &env.cspace,
        .sched_control = env.bi->schedcontrol.start,
        .authority = seL4_CapInitThreadTCB,
        .priority = CHILD_PRIORITY,
        .budget_us = 5000,
        .period_us = 5000,
        .endpoint = test_ep,
        .fault_badge = BADGE_FAULT,
    };
    thread_t t;
    CHECK(thread_create(&t, &attr, &env.tables, worker, (void *)20) == 0);
    seL4_Wait(worker_ntfn, NULL);
    seL4_IPCBuffer *expect_ipc = frame_data(t.ipc_frame);
    thread_destroy(&t);
    ut_free(ntfn_ut);
    cspace_free_slot(&env.cspace, worker_ntfn);
    CHECK_MSG(worker_value == 210, "sum %lu", (seL4_Word)worker_value);
    CHECK(worker_ipc == expect_ipc);
}
