/*
 * memtest: use a few MiB of heap and some stack. None of it is mapped at start: SOS maps
 * each page on the first touch (demand paging) and the process checks what it wrote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sosapi/sosapi.h>

#define HEAP_BYTES  (4ul << 20)
#define PAGE_SIZE   4096ul
#define STACK_BYTES (16ul * 1024)

/* Use STACK_BYTES of stack; returns a checksum so the compiler keeps it. */
static unsigned long stack_use(void)
{
    volatile unsigned char buf[STACK_BYTES];
    for (size_t i = 0; i < STACK_BYTES; i++) {
        buf[i] = (unsigned char)i;
    }
    unsigned long sum = 0;
    for (size_t i = 0; i < STACK_BYTES; i++) {
        sum += buf[i];
    }
    return sum;
}

int main(void)
{
    unsigned long *mem = malloc(HEAP_BYTES);
    if (mem == NULL) {
        printf("memtest: malloc failed\n");
        return 1;
    }
    size_t words = HEAP_BYTES / sizeof(*mem);
    for (size_t i = 0; i < words; i += PAGE_SIZE / sizeof(*mem)) {
        mem[i] = i * 2654435761ul;
    }
    for (size_t i = 0; i < words; i += PAGE_SIZE / sizeof(*mem)) {
        if (mem[i] != i * 2654435761ul) {
            printf("memtest: word %lu reads back wrong\n", (unsigned long)i);
            return 1;
        }
    }
    unsigned long expect = 0;
    for (size_t i = 0; i < STACK_BYTES; i++) {
        expect += (unsigned char)i;
    }
    if (stack_use() != expect) {
        printf("memtest: stack check failed\n");
        return 1;
    }
    printf("memtest: ok (%lu KiB of heap, %lu KiB of stack touched)\n", HEAP_BYTES / 1024,
           STACK_BYTES / 1024);
    return 0;
}
