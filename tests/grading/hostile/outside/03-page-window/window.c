/* Hostile: writes files wherever the machine lets anyone write: /tmp,
 * /var/tmp, /dev/shm, its home, and next to its own program. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void drop(const char *dir)
{
    if (!dir) return;
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/mmaplab-hostile-outside", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd >= 0) {
        if (write(fd, "was here\n", 9) < 0) { /* nothing to do */ }
        close(fd);
    }
}

int main(void)
{
    prctl(PR_SET_NAME, "mlh-outside", 0, 0, 0); /* survivors are found by this name */
    drop("/tmp");
    drop("/var/tmp");
    drop("/dev/shm");
    drop("/run/lock");
    drop(getenv("HOME"));
    drop(getenv("MMAPLAB_ROOT"));
    drop(getenv("LAB_ROOT"));
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        char *slash = strrchr(self, '/');
        if (slash) *slash = 0;
        drop(self);
    }
    return 0;
}
