/* Hostile: ignores SIGTERM, SIGINT and SIGHUP and sleeps for an hour. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-sigterm", 0, 0, 0); /* survivors are found by this name */
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    for (int i = 0; i < 3600; i++) sleep(1);
    return 0;
}
