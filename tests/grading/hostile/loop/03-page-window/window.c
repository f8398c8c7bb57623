/* Hostile: never ends, never prints. */
#define _GNU_SOURCE
#include <sys/prctl.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-loop", 0, 0, 0); /* survivors are found by this name */
    volatile unsigned long n = 0;
    for (;;) n++;
}
