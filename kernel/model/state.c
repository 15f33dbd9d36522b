/* The kernel's global state (see keel/state.h). */
#include <keel/state.h>
#include <keel/status.h>

tcb_t *ks_cur_thread;
tcb_t *ks_idle_thread;
tcb_t *ks_sched_action;
sched_context_t *ks_cur_sc;
ticks_t ks_cur_time;
ticks_t ks_consumed;
bool    ks_reprogram;
uint8_t ks_cur_domain;
word_t  ks_num_kernel_entries;

syscall_error_t ks_syscall_error;
lookup_fault_t  ks_lookup_fault;
