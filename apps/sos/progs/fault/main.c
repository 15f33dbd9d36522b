/* fault: touch memory outside every valid region; SOS kills the process. */
#include <stdio.h>
#include <sosapi/sosapi.h>

#define BAD_ADDRESS 0xdead0000ul

int main(void)
{
    printf("fault: writing to 0x%lx, which is no valid address\n", BAD_ADDRESS);
    sos_flush();
    *(volatile int *)BAD_ADDRESS = 42;
    printf("fault: still alive - this should not happen\n");
    return 1;
}
