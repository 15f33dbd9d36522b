/*
 * Keel benchmarks: IPC Call / ReplyRecv between a client and a server.
 *
 * One-way costs are measured across the two threads, as sel4bench does: the Call
 * costs from the client's counter read before its Call to the server's read after its
 * receive returns; the ReplyRecv from the server's read before ReplyRecv to the
 * client's read after its Call returns. The round trip is the client's own window.
 *
 * Variants: the server in the client's address space (a second thread of the root
 * task) or in a space of its own; an active server (its own scheduling context) or a
 * passive one (no SC; it runs on the SC the client donates with the Call); message
 * lengths from 0 to seL4_MsgMaxLength words. Client and server have the same priority.
 */
#include <stdio.h>
#include <sel4/sel4.h>
#include "bench.h"
#include "cycles.h"

static const unsigned msg_lengths[] = { 0, 1, 2, 4, 8, 16, 32, 64, 120 };
#define NUM_LENGTHS (sizeof(msg_lengths) / sizeof(msg_lengths[0]))

/* One run's parameters and timestamps, shared by the driver, client and server. The
 * server arrays have one extra entry: the client's last, untimed Call lets the server
 * store the timestamp it took before its last timed ReplyRecv. */
struct ipc_run {
    seL4_Word info;
    seL4_CPtr client_ep;
    struct sync_caps client_sync;
    seL4_CPtr server_ep, server_reply, server_ready;
    uint64_t client_out[BENCH_TOTAL];   /* client, before Call */
    uint64_t client_in[BENCH_TOTAL];    /* client, after Call returned */
    uint64_t server_in[BENCH_TOTAL + 1];   /* server, after its receive returned */
    uint64_t server_out[BENCH_TOTAL + 1];  /* server, before ReplyRecv */
};

static struct ipc_run run;

/* A server thread with the caps it uses, as seen from its own CSpace. */
struct ipc_server {
    struct thread thread;
    struct space *space;
    seL4_CPtr ep, reply, ready;
};

struct ipc_setup {
    seL4_CPtr ep, ready;                /* root caps */
    struct thread client;
    struct ipc_server same, cross;
};

static void ipc_server_fn(seL4_Word arg) __attribute__((noreturn));
static void ipc_server_fn(seL4_Word arg)
{
    struct ipc_run *r = (struct ipc_run *)arg;
    seL4_CPtr ep = r->server_ep, reply = r->server_reply;
    seL4_Word info = r->info;
    uint64_t out = 0;

    /* Tell the driver we are ready and wait for the first Call, in one syscall. */
    seL4_NBSendRecv(r->server_ready, seL4_MessageInfo_new(0, 0, 0, 0), ep, NULL, reply);
    for (unsigned i = 0;; i++) {
        uint64_t in = read_ccnt();
        if (i > 0 && i <= BENCH_TOTAL + 1) {
            r->server_out[i - 1] = out;
        }
        if (i <= BENCH_TOTAL) {
            r->server_in[i] = in;
        }
        out = read_ccnt();
        sys_reply_recv(ep, info, reply);
    }
}

static void ipc_client_fn(seL4_Word arg) __attribute__((noreturn));
static void ipc_client_fn(seL4_Word arg)
{
    struct ipc_run *r = (struct ipc_run *)arg;
    seL4_CPtr ep = r->client_ep;
    seL4_Word info = r->info;

    for (unsigned i = 0; i < BENCH_TOTAL; i++) {
        uint64_t out = read_ccnt();
        sys_call(ep, info);
        uint64_t in = read_ccnt();
        r->client_out[i] = out;
        r->client_in[i] = in;
    }
    sys_call(ep, info);
    thread_finish(&r->client_sync);
}

static void server_create(struct ipc_server *s, const char *name, struct space *space,
                          const struct ipc_setup *setup)
{
    s->space = space;
    thread_create(&s->thread, name, space, PRIO_LOW, 0);
    s->ep = space_give_cap(space, setup->ep);
    s->reply = space_give_cap(space, env_alloc_object(seL4_ReplyObject, 0));
    s->ready = space_give_cap(space, setup->ready);
}

/* Start the server and wait until it blocks in its first receive; then, for a passive
 * server, take its scheduling context away. */
static void server_start(struct ipc_server *s, const struct ipc_setup *setup, bool passive)
{
    run.server_ep = s->ep;
    run.server_reply = s->reply;
    run.server_ready = s->ready;
    thread_make_active(&s->thread);
    thread_start(&s->thread, ipc_server_fn, (seL4_Word)&run);
    seL4_Wait(setup->ready, NULL);
    if (passive) {
        thread_make_passive(&s->thread);
    }
}

static void report_run(const char *where, const char *mode, unsigned words,
                       const struct overheads *o)
{
    char name[64];
    struct stats s;

    snprintf(name, sizeof(name), "ipc_call_%s_%s", where, mode);
    s = stats_of_deltas(run.client_out, run.server_in, o->call);
    report(name, words, &s);
    snprintf(name, sizeof(name), "ipc_replyrecv_%s_%s", where, mode);
    s = stats_of_deltas(run.server_out, run.client_in, o->reply_recv);
    report(name, words, &s);
    snprintf(name, sizeof(name), "ipc_roundtrip_%s_%s", where, mode);
    s = stats_of_deltas(run.client_out, run.client_in, o->call);
    report(name, words, &s);
}

static void run_one(struct ipc_setup *setup, struct ipc_server *server, bool passive,
                    unsigned words, const struct overheads *o)
{
    run.info = msginfo(words);
    server_start(server, setup, passive);
    thread_start(&setup->client, ipc_client_fn, (seL4_Word)&run);
    sync_wait_done();
    thread_stop(&setup->client);
    thread_stop(&server->thread);
    report_run(server->space ? "cross" : "same", passive ? "passive" : "active", words, o);
}

static void run_series(struct ipc_setup *setup, struct ipc_server *server, bool passive,
                       const struct overheads *o)
{
    char title[96];
    snprintf(title, sizeof(title), "IPC, server in %s, %s server (one-way and round trip)",
             server->space ? "its own address space" : "the client's address space",
             passive ? "passive" : "active");
    report_header(title);
    for (unsigned i = 0; i < NUM_LENGTHS; i++) {
        run_one(setup, server, passive, msg_lengths[i], o);
    }
}

void run_ipc_benchmarks(const struct overheads *o, struct space *other)
{
    static struct ipc_setup setup;

    setup.ep = env_alloc_object(seL4_EndpointObject, 0);
    setup.ready = env_alloc_object(seL4_NotificationObject, 0);
    thread_create(&setup.client, "ipc-client", NULL, PRIO_LOW, 0);
    run.client_ep = setup.ep;
    run.client_sync = sync_caps_for(NULL);
    server_create(&setup.same, "ipc-server-same", NULL, &setup);
    server_create(&setup.cross, "ipc-server-cross", other, &setup);

    run_series(&setup, &setup.cross, true, o);
    run_series(&setup, &setup.cross, false, o);
    run_series(&setup, &setup.same, true, o);
    run_series(&setup, &setup.same, false, o);
}
