/* Hostile: allocates and touches memory without end (64 GiB if allowed),
 * then waits. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-memory", 0, 0, 0); /* survivors are found by this name */
    for (int i = 0; i < 1024; i++) {
        char *p = malloc(64u << 20);
        if (p) memset(p, 1, 64u << 20);
    }
    pause();
}
