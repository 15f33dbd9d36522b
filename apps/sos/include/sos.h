/*
 * The SOS system call interface, shared by SOS (apps/sos) and its client library
 * (libs/sosapi).
 *
 * A process calls SOS with seL4_Call on the endpoint cap at SOS_ENDPOINT in its CSpace;
 * the message label is the system call number. Arguments and results are message
 * registers (MRs); byte strings are packed into the MRs after the fixed words, at most
 * SOS_MAX_BYTES per call. A call SOS does not understand is answered with MR0 = -1.
 *
 *   SOS_SYS_WRITE   MR0 = n, bytes from MR1           -> MR0 = bytes written
 *   SOS_SYS_READ    MR0 = max                         -> MR0 = n, bytes from MR1: the
 *                   next line typed on the console, ending in '\n' (cut at max bytes;
 *                   the rest is returned by the next read). Blocks until there is one.
 *   SOS_SYS_SLEEP   MR0 = milliseconds                -> MR0 = 0 when they have passed
 *   SOS_SYS_TIME    -                                 -> MR0 = microseconds since boot
 *   SOS_SYS_EXIT    MR0 = status                      (no reply)
 *   SOS_SYS_GETPID  -                                 -> MR0 = process id
 *   SOS_SYS_SPAWN   MR0 = n, program name from MR1    -> MR0 = pid of the new process, or
 *                   -1 if there is no such program or no memory
 *   SOS_SYS_WAIT    MR0 = pid of a child              -> MR0 = pid, MR1 = its exit status
 *                   (SOS_STATUS_KILLED if SOS killed it); MR0 = -1 if pid is not a child
 *   SOS_SYS_LIST    MR0 = index in the program archive -> MR0 = 0, MR1 = file size,
 *                   MR2 = name length, name from MR3; MR0 = -1 past the last one
 */
#pragma once

#include <sel4/sel4.h>

/* The endpoint cap to SOS in every process's CSpace. */
#define SOS_ENDPOINT 1

enum sos_syscall {
    SOS_SYS_WRITE = 1,
    SOS_SYS_READ,
    SOS_SYS_SLEEP,
    SOS_SYS_TIME,
    SOS_SYS_EXIT,
    SOS_SYS_GETPID,
    SOS_SYS_SPAWN,
    SOS_SYS_WAIT,
    SOS_SYS_LIST,
};

/* Bytes of string data one call can carry (the MRs after up to three fixed words). */
#define SOS_MAX_BYTES ((seL4_MsgMaxLength - 3) * sizeof(seL4_Word))

/* Exit status of a process SOS killed (bad memory access, fault): one that exit()
 * cannot be expected to give. */
#define SOS_STATUS_KILLED (-0x7fffffff - 1)

/* A process's heap: valid, mapped by SOS on first touch. */
#define SOS_HEAP_BASE 0x10000000ul
#define SOS_HEAP_SIZE (64ul << 20)
