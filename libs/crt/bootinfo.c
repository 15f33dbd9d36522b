/* Keel user runtime: where the root task's bootinfo pointer is kept. */
#include <stddef.h>
#include <sel4/sel4.h>

static seL4_BootInfo *boot_info;

void seL4_InitBootInfo(seL4_BootInfo *bi)
{
    boot_info = bi;
}

seL4_BootInfo *seL4_GetBootInfo(void)
{
    return boot_info;
}
