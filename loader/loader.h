/* keel-loader internals. */
#pragma once

#include <keel/types.h>

void mmu_enable(vaddr_t kernel_vbase, paddr_t kernel_pbase);
void cache_sync_for_execution(word_t start, word_t end);
NORETURN void enter_kernel(word_t ui_p_start, word_t ui_p_end, word_t pv_offset,
                           word_t ui_v_entry, word_t dtb_paddr, word_t dtb_size,
                           word_t entry);

/* Linker-script and payload symbols. */
extern char loader_start[], loader_end[];
extern const uint8_t payload_kernel[], payload_kernel_end[];
extern const uint8_t payload_roottask[], payload_roottask_end[];
extern const uint8_t payload_dtb[], payload_dtb_end[];
