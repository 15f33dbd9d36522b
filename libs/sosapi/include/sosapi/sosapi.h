/*
 * libs/sosapi: the client side of the SOS system calls (apps/sos/include/sos.h).
 *
 * Linking it into a program also makes printf and friends write to the SOS console
 * (line-buffered; sos_flush() or any read pushes out a partial line), makes exit() an
 * SOS exit, and puts malloc's heap in the SOS heap region (mapped on demand).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sos.h>

/* Write len bytes to the console. Returns the number written, or -1. */
long sos_write(const void *buf, size_t len);

/* Read the next console line (ending in '\n'), at most max bytes. Returns its length. */
long sos_read(char *buf, size_t max);

/* Send buffered printf output. */
void sos_flush(void);

void sos_sleep(unsigned long ms);
uint64_t sos_time_us(void);
int sos_getpid(void);
void sos_exit(int status) __attribute__((noreturn));

/* Start the program called name from SOS's archive. Returns its pid, or -1. */
int sos_spawn(const char *name);

/* Wait until child pid exits; its status in *status. Returns pid, or -1 if pid is not a
 * child of the caller. */
int sos_wait(int pid, int *status);

/* The index-th program in SOS's archive: its name (NUL-terminated, cut to max bytes)
 * and size. Returns 0, or -1 past the last one. */
int sos_list(unsigned index, char *name, size_t max, size_t *size);
