/* Hostile: gigabytes of output on both streams. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-flood", 0, 0, 0); /* survivors are found by this name */
    static char buf[1 << 16];
    memset(buf, 'x', sizeof buf);
    for (long i = 0; i < (8L << 30) / (long)sizeof buf; i++) {
        if (write(1, buf, sizeof buf) < 0 || write(2, buf, sizeof buf) < 0) return 1;
    }
    return 0;
}
