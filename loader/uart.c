/* The loader's console: the PL011 at its physical address (identity-mapped device). */
#include <keel/arch_api.h>

#define PL011_DR  0x09000000ul
#define PL011_FR  0x09000018ul
#define FR_TXFF   (1u << 5)

void plat_console_putchar(char c)
{
    while (*(volatile uint32_t *)PL011_FR & FR_TXFF)
        ;
    *(volatile uint32_t *)PL011_DR = (uint8_t)c;
}
