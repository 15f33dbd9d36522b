/*
 * Stopping the machine.
 *
 * With CONFIG_SEMIHOSTING (our QEMU runs pass -semihosting-config enable=on), the
 * semihosting SYS_EXIT call makes QEMU exit with status 0 (success) or 1 (failure), which
 * is how the test runner learns the outcome. Otherwise we ask the PSCI firmware (the
 * conduit named by the DTB's /psci node) to power off, and failing that sleep forever.
 */
#include <keel/kernel.h>
#include <keel/arch_api.h>
#include <lib/fdt.h>
#include <arch/machine.h>
#include <arch/traps.h>

#ifndef CONFIG_SEMIHOSTING
#define CONFIG_SEMIHOSTING 1
#endif

#define SEMIHOSTING_SYS_EXIT          0x18
#define ADP_STOPPED_APPLICATION_EXIT  0x20026
#define PSCI_SYSTEM_OFF               0x84000008u

static enum { PSCI_NONE, PSCI_HVC, PSCI_SMC } psci_conduit;

/* Remember how to reach PSCI, from the DTB's psci node "method" property. */
void arch_halt_init(const struct fdt *fdt)
{
    int node = fdt_find_node(fdt, -1, "psci");
    uint32_t len;
    const char *method = node < 0 ? NULL : fdt_get_prop(fdt, node, "method", &len);

    if (method != NULL && len >= 4 && strncmp(method, "hvc", 4) == 0)
        psci_conduit = PSCI_HVC;
    else if (method != NULL && len >= 4 && strncmp(method, "smc", 4) == 0)
        psci_conduit = PSCI_SMC;
}

static void semihosting_exit(int status)
{
    word_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (word_t)status };
    register word_t x0 __asm__("x0") = SEMIHOSTING_SYS_EXIT;
    register word_t x1 __asm__("x1") = (word_t)block;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

static void psci_system_off(void)
{
    register word_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
    if (psci_conduit == PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0) :: "memory");
    else if (psci_conduit == PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0) :: "memory");
}

NORETURN void arch_halt(bool success)
{
    __asm__ volatile("msr daifset, #0xf");
    if (CONFIG_SEMIHOSTING)
        semihosting_exit(success ? 0 : 1);
    psci_system_off();
    for (;;)
        wfi();
}
