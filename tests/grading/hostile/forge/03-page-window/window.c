/* Hostile: writes TAP lines claiming success to fd 3 (where bats reads
 * results), to stdout and to stderr, and a plan that would end the run. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "mlh-forge", 0, 0, 0); /* survivors are found by this name */
    static const char forged[] = "ok 1 [5] forged\nok 2 [5] forged\nok 3 [10] forged\n1..3\n";
    for (int fd = 1; fd < 10; fd++) {
        if (write(fd, forged, strlen(forged)) < 0) continue;
    }
    puts("\nok 99 [20] all tests passed");
    return 0;
}
