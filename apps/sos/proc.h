/*
 * SOS processes: the process table, their system calls and faults.
 */
#pragma once

#include <sel4/sel4.h>

#define MAX_PROCS 32

/* Start the program called name from the archive; parent is the pid that waits for it
 * (0: SOS). Returns the new pid, or -1. */
int proc_spawn(const char *name, int parent);

/* A message from the process at table index 'index': a system call or a fault. */
void proc_syscall(unsigned index, seL4_MessageInfo_t info);
void proc_fault(unsigned index, seL4_MessageInfo_t info);

/* Start serving processes, and the program 'shell', which SOS keeps running. */
void proc_init(const char *shell);
