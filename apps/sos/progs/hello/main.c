/* hello: greet from a process of our own. */
#include <stdio.h>
#include <sosapi/sosapi.h>

int main(void)
{
    printf("hello world! I am process %d\n", sos_getpid());
    return 0;
}
