/*
 * The architecture and platform, faked for host unit tests of the portable core.
 * Time is a variable the tests advance; the console is stdout; a panic aborts the test
 * (cmocka reports it as a failure with the message).
 */
#include <stdio.h>
#include <stdlib.h>
#include <keel/arch_api.h>
#include "fake_arch.h"

ticks_t fake_now;
ticks_t fake_deadline;
bool    fake_irq_pending;
word_t  fake_tlb_flushes;

void plat_console_putchar(char c) { putchar(c); }
NORETURN void arch_halt(bool success) { fflush(stdout); exit(success ? 0 : 1); }

ticks_t arch_timer_now(void) { return fake_now; }
void arch_timer_set_deadline(ticks_t when) { fake_deadline = when; }
void arch_timer_ack(void) {}

word_t plat_irq_get_pending(void) { return IRQ_NONE; }
bool plat_irq_is_pending(void) { return fake_irq_pending; }
void plat_irq_end(word_t irq) { (void)irq; }
void plat_irq_mask(word_t irq) { (void)irq; }
void plat_irq_unmask(word_t irq) { (void)irq; }
void plat_irq_set_edge_triggered(word_t irq, bool edge) { (void)irq; (void)edge; }
bool plat_irq_is_reserved(word_t irq) { return irq == 27; }

void arch_set_user_vspace(paddr_t root, word_t asid) { (void)root; (void)asid; }
void arch_set_no_user_vspace(void) {}
void arch_tlb_flush_asid(word_t asid) { (void)asid; fake_tlb_flushes++; }
void arch_tlb_flush_page(word_t asid, vaddr_t v) { (void)asid; (void)v; fake_tlb_flushes++; }
void arch_tlb_flush_all(void) { fake_tlb_flushes++; }
void arch_clean_to_pou(void *s, word_t n) { (void)s; (void)n; }
void arch_dcache_clean(word_t a, word_t b) { (void)a; (void)b; }
void arch_dcache_invalidate(word_t a, word_t b) { (void)a; (void)b; }
void arch_dcache_clean_invalidate(word_t a, word_t b) { (void)a; (void)b; }
void arch_icache_unify(word_t a, word_t b) { (void)a; (void)b; }

void arch_fpu_switch_to(struct tcb *t) { (void)t; }
void arch_fpu_release(struct tcb *t) { (void)t; }
void arch_tcb_flags_changed(struct tcb *t) { (void)t; }
