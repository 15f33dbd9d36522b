/*
 * SOS system call stubs and the runtime hooks that route a program's console output,
 * exit and heap through SOS. See <sosapi/sosapi.h>.
 */
#include <string.h>
#include <sel4/sel4.h>
#include <keel/runtime.h>
#include <sosapi/sosapi.h>

#define OUT_BUFFER_SIZE 256

/* The message registers from MR 'first' on, as bytes. */
static char *mr_bytes(unsigned first)
{
    return (char *)&seL4_GetIPCBuffer()->msg[first];
}

static seL4_Word words_for(size_t bytes)
{
    return (bytes + sizeof(seL4_Word) - 1) / sizeof(seL4_Word);
}

static void sos_call(seL4_Word syscall, seL4_Word length)
{
    seL4_Call(SOS_ENDPOINT, seL4_MessageInfo_new(syscall, 0, 0, length));
}

long sos_write(const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        size_t n = len - done < SOS_MAX_BYTES ? len - done : SOS_MAX_BYTES;
        seL4_SetMR(0, n);
        memcpy(mr_bytes(1), (const char *)buf + done, n);
        sos_call(SOS_SYS_WRITE, 1 + words_for(n));
        long written = (long)seL4_GetMR(0);
        if (written <= 0) {
            return done > 0 ? (long)done : -1;
        }
        done += (size_t)written;
    }
    return (long)done;
}

long sos_read(char *buf, size_t max)
{
    sos_flush();
    if (max > SOS_MAX_BYTES) {
        max = SOS_MAX_BYTES;
    }
    seL4_SetMR(0, max);
    sos_call(SOS_SYS_READ, 1);
    size_t n = seL4_GetMR(0);
    if (n > max) {
        n = max;
    }
    memcpy(buf, mr_bytes(1), n);
    return (long)n;
}

void sos_sleep(unsigned long ms)
{
    sos_flush();
    seL4_SetMR(0, ms);
    sos_call(SOS_SYS_SLEEP, 1);
}

uint64_t sos_time_us(void)
{
    sos_call(SOS_SYS_TIME, 0);
    return seL4_GetMR(0);
}

int sos_getpid(void)
{
    sos_call(SOS_SYS_GETPID, 0);
    return (int)seL4_GetMR(0);
}

void sos_exit(int status)
{
    sos_flush();
    for (;;) {
        seL4_SetMR(0, (seL4_Word)(long)status);
        sos_call(SOS_SYS_EXIT, 1);      /* SOS does not answer: it destroys us */
    }
}

int sos_spawn(const char *name)
{
    size_t n = strlen(name);
    if (n > SOS_MAX_BYTES) {
        return -1;
    }
    sos_flush();
    seL4_SetMR(0, n);
    memcpy(mr_bytes(1), name, n);
    sos_call(SOS_SYS_SPAWN, 1 + words_for(n));
    return (int)seL4_GetMR(0);
}

int sos_wait(int pid, int *status)
{
    sos_flush();
    seL4_SetMR(0, (seL4_Word)(long)pid);
    sos_call(SOS_SYS_WAIT, 1);
    if (status != NULL) {
        *status = (int)seL4_GetMR(1);
    }
    return (int)seL4_GetMR(0);
}

int sos_list(unsigned index, char *name, size_t max, size_t *size)
{
    seL4_SetMR(0, index);
    sos_call(SOS_SYS_LIST, 1);
    if ((long)seL4_GetMR(0) != 0) {
        return -1;
    }
    if (size != NULL) {
        *size = seL4_GetMR(1);
    }
    size_t n = seL4_GetMR(2);
    if (max > 0) {
        n = n < max - 1 ? n : max - 1;
        memcpy(name, mr_bytes(3), n);
        name[n] = '\0';
    }
    return 0;
}

/* ---- runtime hooks (strong definitions replacing libc's weak ones) ------------------------ */

static char out_buffer[OUT_BUFFER_SIZE];
static size_t out_len;

void sos_flush(void)
{
    if (out_len > 0) {
        sos_write(out_buffer, out_len);
        out_len = 0;
    }
}

void __keel_putchar(int c)
{
    out_buffer[out_len++] = (char)c;
    if (c == '\n' || out_len == sizeof(out_buffer)) {
        sos_flush();
    }
}

void __keel_exit_hook(int status)
{
    sos_exit(status);
}

void __keel_heap_region(char **start, size_t *size)
{
    *start = (char *)SOS_HEAP_BASE;
    *size = SOS_HEAP_SIZE;
}
