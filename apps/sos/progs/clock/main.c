/* clock: print the time a few times, sleeping in between (the SOS timer at work). */
#include <stdio.h>
#include <sosapi/sosapi.h>

#define TICKS     4
#define PERIOD_MS 250

int main(void)
{
    uint64_t start = sos_time_us();
    for (int i = 1; i <= TICKS; i++) {
        sos_sleep(PERIOD_MS);
        uint64_t now = sos_time_us();
        printf("clock: tick %d at +%lu ms (uptime %lu ms)\n", i,
               (unsigned long)((now - start) / 1000), (unsigned long)(now / 1000));
    }
    return 0;
}
