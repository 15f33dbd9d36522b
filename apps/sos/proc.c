/*
 * SOS processes: the process table, system calls and faults. See proc.h and
 * include/sos.h for the system call interface.
 */
#include <stdio.h>
#include <string.h>
#include <cpio/cpio.h>
#include <process/process.h>
#include <timer/timer.h>
#include <sos.h>
#include "archive.h"
#include "console.h"
#include "proc.h"
#include "system.h"

_Static_assert(SOS_ENDPOINT == PROCESS_EP_SLOT, "processes find SOS where libs/process puts it");
_Static_assert(MAX_PROCS - 1 <= BADGE_INDEX_MASK, "table index fits the badge");

#define NAME_MAX 32

typedef enum proc_state {
    PROC_FREE,
    PROC_LIVE,
    PROC_ZOMBIE,                /* exited, waiting for its parent to collect the status */
} proc_state_t;

typedef enum proc_block {
    BLOCK_NONE,
    BLOCK_READ,                 /* waiting for a console line */
    BLOCK_SLEEP,                /* waiting for a timer */
    BLOCK_WAIT,                 /* waiting for a child to exit */
} proc_block_t;

typedef struct proc {
    proc_state_t state;
    int pid;
    int parent;                 /* pid, 0: SOS */
    char name[NAME_MAX];
    process_t process;
    int status;                 /* exit status of a zombie */
    proc_block_t blocked;
    seL4_CPtr reply;            /* answers the call it is blocked in */
    seL4_Word read_max;
    int wait_pid;
    uint32_t timer;
} proc_t;

static proc_t procs[MAX_PROCS];
static int next_pid = 1;
static char shell_name[NAME_MAX];
static int shell_pid;

/* Processes blocked in SOS_SYS_READ, first come first served. */
static proc_t *readers[MAX_PROCS];
static unsigned num_readers;

static proc_t *find_pid(int pid)
{
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state != PROC_FREE && procs[i].pid == pid) {
            return &procs[i];
        }
    }
    return NULL;
}

/* Message registers from 'first' on, as bytes. */
static char *mr_bytes(unsigned first)
{
    return (char *)&seL4_GetIPCBuffer()->msg[first];
}

static seL4_MessageInfo_t words(seL4_Word count)
{
    return seL4_MessageInfo_new(0, 0, 0, count);
}

static seL4_MessageInfo_t bytes_after(seL4_Word fixed, size_t n)
{
    return words(fixed + (n + sizeof(seL4_Word) - 1) / sizeof(seL4_Word));
}

/* ---- blocking and waking ------------------------------------------------------------------- */

/* Keep p waiting in its current call. False if it cannot wait (answer now instead). */
static bool block(proc_t *p, proc_block_t why)
{
    p->reply = reply_keep();
    if (p->reply == seL4_CapNull) {
        return false;
    }
    p->blocked = why;
    return true;
}

/* Answer the call p is blocked in (MRs already set). */
static void wake(proc_t *p, seL4_MessageInfo_t info)
{
    reply_later(p->reply, info);
    p->reply = seL4_CapNull;
    p->blocked = BLOCK_NONE;
}

static void remove_reader(proc_t *p)
{
    for (unsigned i = 0; i < num_readers; i++) {
        if (readers[i] == p) {
            memmove(&readers[i], &readers[i + 1], (num_readers - i - 1) * sizeof(readers[0]));
            num_readers--;
            return;
        }
    }
}

/* Give waiting readers the lines typed so far. */
static void deliver_lines(void)
{
    while (num_readers > 0 && console_has_line()) {
        proc_t *p = readers[0];
        remove_reader(p);
        size_t n = console_read_line(mr_bytes(1), p->read_max);
        seL4_SetMR(0, n);
        wake(p, bytes_after(1, n));
    }
}

static void sleep_done(uint32_t id, void *data)
{
    proc_t *p = data;
    if (p->state == PROC_LIVE && p->blocked == BLOCK_SLEEP && p->timer == id) {
        seL4_SetMR(0, 0);
        wake(p, words(1));
    }
}

/* ---- life and death ------------------------------------------------------------------------ */

int proc_spawn(const char *name, int parent)
{
    size_t size;
    const void *elf = cpio_get_file(sos_archive_start, name, &size);
    proc_t *p = NULL;
    for (unsigned i = 0; i < MAX_PROCS && p == NULL; i++) {
        if (procs[i].state == PROC_FREE) {
            p = &procs[i];
        }
    }
    if (elf == NULL || p == NULL || strlen(name) >= NAME_MAX) {
        return -1;
    }
    unsigned index = (unsigned)(p - procs);
    process_attr_t attr = {
        .sched = {
            .cspace = &sos_env.cspace,
            .sched_control = sos_env.bi->schedcontrol.start,
            .authority = seL4_CapInitThreadTCB,
            .priority = PROC_PRIORITY,
            .budget_us = PROC_TIMESLICE_US,
            .period_us = PROC_TIMESLICE_US,
            .endpoint = sos_endpoint,
            .fault_badge = BADGE_FAULT | index,
        },
        .asid_pool = seL4_CapInitThreadASIDPool,
        .ep_badge = BADGE_SYSCALL | index,
        .map_bss = false,       /* bss, stack and heap are paged in on demand */
        .name = name,
    };
    memset(p, 0, sizeof(*p));
    if (process_create(&p->process, &attr, elf, size) != 0) {
        return -1;
    }
    if (as_define_region(&p->process.as, SOS_HEAP_BASE, SOS_HEAP_SIZE, seL4_ReadWrite,
                         seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever) != 0 ||
        process_start(&p->process) != 0) {
        process_destroy(&p->process);
        return -1;
    }
    p->state = PROC_LIVE;
    p->pid = next_pid++;
    p->parent = parent;
    strcpy(p->name, name);
    return p->pid;
}

static void start_shell(void)
{
    shell_pid = proc_spawn(shell_name, 0);
    if (shell_pid < 0) {
        printf("sos: cannot start the shell \"%s\"\n", shell_name);
    }
}

void proc_init(const char *shell)
{
    console_set_line_handler(deliver_lines);
    strncpy(shell_name, shell, NAME_MAX - 1);
    start_shell();
}

/* p is gone with status: free what it had, tell its parent, and forget it once the
 * parent knows (or if there is none). */
static void proc_exit(proc_t *p, int status)
{
    switch (p->blocked) {
    case BLOCK_READ:
        remove_reader(p);
        break;
    case BLOCK_SLEEP:
        remove_timer(p->timer);
        break;
    default:
        break;
    }
    if (p->reply != seL4_CapNull) {
        reply_drop(p->reply);
    }
    p->reply = seL4_CapNull;
    p->blocked = BLOCK_NONE;
    process_destroy(&p->process);

    /* Its children have no one to report to now. */
    for (unsigned i = 0; i < MAX_PROCS; i++) {
        if (procs[i].state != PROC_FREE && procs[i].parent == p->pid) {
            procs[i].parent = 0;
            if (procs[i].state == PROC_ZOMBIE) {
                procs[i].state = PROC_FREE;
            }
        }
    }
    p->status = status;
    proc_t *parent = find_pid(p->parent);
    if (parent != NULL && parent->blocked == BLOCK_WAIT && parent->wait_pid == p->pid) {
        seL4_SetMR(0, (seL4_Word)p->pid);
        seL4_SetMR(1, (seL4_Word)(long)status);
        wake(parent, words(2));
        p->state = PROC_FREE;
    } else if (parent != NULL) {
        p->state = PROC_ZOMBIE;
    } else {
        p->state = PROC_FREE;
    }
    if (p->pid == shell_pid) {
        printf("sos: the shell exited (status %d); starting a new one\n", status);
        start_shell();
    }
}

/* ---- system calls --------------------------------------------------------------------------- */

static void sys_read(proc_t *p)
{
    seL4_Word max = seL4_GetMR(0);
    p->read_max = max < SOS_MAX_BYTES ? max : SOS_MAX_BYTES;
    if (num_readers == 0 && console_has_line()) {
        size_t n = console_read_line(mr_bytes(1), p->read_max);
        seL4_SetMR(0, n);
        reply_now(bytes_after(1, n));
    } else if (block(p, BLOCK_READ)) {
        readers[num_readers++] = p;
    } else {
        seL4_SetMR(0, 0);
        reply_now(words(1));
    }
}

static void sys_sleep(proc_t *p)
{
    seL4_Word ms = seL4_GetMR(0);
    uint32_t id = ms > 0 ? register_timer(ms * 1000, sleep_done, p) : 0;
    if (id != 0 && block(p, BLOCK_SLEEP)) {
        p->timer = id;
        return;
    }
    if (id != 0) {
        remove_timer(id);
    }
    seL4_SetMR(0, 0);
    reply_now(words(1));
}

static void sys_spawn(proc_t *p)
{
    char name[NAME_MAX];
    seL4_Word n = seL4_GetMR(0);
    long pid = -1;
    if (n < NAME_MAX) {
        memcpy(name, mr_bytes(1), n);
        name[n] = '\0';
        pid = proc_spawn(name, p->pid);
    }
    seL4_SetMR(0, (seL4_Word)pid);
    reply_now(words(1));
}

static void sys_wait(proc_t *p)
{
    int pid = (int)seL4_GetMR(0);
    proc_t *child = find_pid(pid);
    if (child == NULL || child->parent != p->pid) {
        seL4_SetMR(0, (seL4_Word)-1);
        reply_now(words(1));
    } else if (child->state == PROC_ZOMBIE) {
        seL4_SetMR(0, (seL4_Word)pid);
        seL4_SetMR(1, (seL4_Word)(long)child->status);
        child->state = PROC_FREE;
        reply_now(words(2));
    } else if (block(p, BLOCK_WAIT)) {
        p->wait_pid = pid;
    } else {
        seL4_SetMR(0, (seL4_Word)-1);
        reply_now(words(1));
    }
}

static void sys_list(void)
{
    cpio_file_t f;
    if (!cpio_get_entry(sos_archive_start, sos_archive_end, seL4_GetMR(0), &f)) {
        seL4_SetMR(0, (seL4_Word)-1);
        reply_now(words(1));
        return;
    }
    size_t n = strlen(f.name);
    n = n < SOS_MAX_BYTES ? n : SOS_MAX_BYTES;
    seL4_SetMR(0, 0);
    seL4_SetMR(1, f.size);
    seL4_SetMR(2, n);
    memcpy(mr_bytes(3), f.name, n);
    reply_now(bytes_after(3, n));
}

void proc_syscall(unsigned index, seL4_MessageInfo_t info)
{
    if (index >= MAX_PROCS || procs[index].state != PROC_LIVE) {
        return;
    }
    proc_t *p = &procs[index];
    seL4_Word n;
    switch (seL4_MessageInfo_get_label(info)) {
    case SOS_SYS_WRITE:
        n = seL4_GetMR(0);
        n = n < SOS_MAX_BYTES ? n : SOS_MAX_BYTES;
        console_write(mr_bytes(1), n);
        seL4_SetMR(0, n);
        reply_now(words(1));
        break;
    case SOS_SYS_READ:
        sys_read(p);
        break;
    case SOS_SYS_SLEEP:
        sys_sleep(p);
        break;
    case SOS_SYS_TIME:
        seL4_SetMR(0, get_time());
        reply_now(words(1));
        break;
    case SOS_SYS_EXIT:
        proc_exit(p, (int)seL4_GetMR(0));
        break;
    case SOS_SYS_GETPID:
        seL4_SetMR(0, (seL4_Word)p->pid);
        reply_now(words(1));
        break;
    case SOS_SYS_SPAWN:
        sys_spawn(p);
        break;
    case SOS_SYS_WAIT:
        sys_wait(p);
        break;
    case SOS_SYS_LIST:
        sys_list();
        break;
    default:
        seL4_SetMR(0, (seL4_Word)-1);
        reply_now(words(1));
        break;
    }
}

/* ---- faults ----------------------------------------------------------------------------------- */

void proc_fault(unsigned index, seL4_MessageInfo_t info)
{
    if (index >= MAX_PROCS || procs[index].state != PROC_LIVE) {
        return;
    }
    proc_t *p = &procs[index];
    char why[96];
    seL4_Word type = seL4_MessageInfo_get_label(info);
    if (type == seL4_Fault_VMFault) {
        seL4_Word addr = seL4_GetMR(seL4_VMFault_Addr);
        seL4_Word pc = seL4_GetMR(seL4_VMFault_IP);
        bool fetch = seL4_GetMR(seL4_VMFault_PrefetchFault) != 0;
        seL4_Word fsr = seL4_GetMR(seL4_VMFault_FSR);
        switch (as_handle_fault(&p->process.as, addr, fetch, fsr)) {
        case AS_FAULT_MAPPED:
            reply_now(words(0));        /* it runs the instruction again */
            return;
        case AS_FAULT_NO_MEMORY:
            snprintf(why, sizeof(why), "out of memory at 0x%lx", addr);
            break;
        default:
            snprintf(why, sizeof(why), "invalid %s at 0x%lx (pc 0x%lx)",
                     fetch ? "instruction fetch" : (fsr & (1ul << 6)) ? "write" : "read", addr,
                     pc);
            break;
        }
    } else if (type == seL4_Fault_UserException) {
        snprintf(why, sizeof(why), "exception (ESR 0x%lx) at pc 0x%lx",
                 seL4_GetMR(seL4_UserException_Number), seL4_GetMR(seL4_UserException_FaultIP));
    } else if (type == seL4_Fault_CapFault) {
        snprintf(why, sizeof(why), "capability fault on cptr 0x%lx at pc 0x%lx",
                 seL4_GetMR(seL4_CapFault_Addr), seL4_GetMR(seL4_CapFault_IP));
    } else if (type == seL4_Fault_UnknownSyscall) {
        snprintf(why, sizeof(why), "unknown system call %ld at pc 0x%lx",
                 (long)seL4_GetMR(seL4_UnknownSyscall_Syscall),
                 seL4_GetMR(seL4_UnknownSyscall_FaultIP));
    } else {
        snprintf(why, sizeof(why), "fault type %lu", type);
    }
    printf("sos: killed process %d (%s): %s\n", p->pid, p->name, why);
    proc_exit(p, SOS_STATUS_KILLED);
}
