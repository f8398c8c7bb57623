/* Hostile: leaves a daemon behind (double fork, setsid) that would run
 * for an hour, and exits at once. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-daemon", 0, 0, 0); /* survivors are found by this name */
    if (fork() == 0) {
        setsid();
        if (fork() == 0) {
            for (int i = 0; i < 3600; i++) sleep(1);
        }
        _exit(0);
    }
    return 0;
}
