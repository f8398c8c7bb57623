#include "runner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

mm_status run_capture(char *const argv[], char *const env_add[], char **out, int *wstatus)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) return MM_ERR_IO;
    pid_t pid = fork();
    if (pid < 0) {
        close(p[0]);
        close(p[1]);
        return MM_ERR_IO;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        dup2(p[1], 1);
        dup2(p[1], 2);
        for (size_t i = 0; env_add && env_add[i]; i++) putenv(env_add[i]);
        execvp(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(p[1]);
    size_t cap = 8192, n = 0;
    char *buf = malloc(cap);
    mm_status st = buf ? MM_OK : MM_ERR_NOMEM;
    for (;;) {
        if (st == MM_OK && n + 4096 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) st = MM_ERR_NOMEM;
            else { buf = nb; cap *= 2; }
        }
        char sink[4096];
        char *dst = st == MM_OK ? buf + n : sink;
        ssize_t r = read(p[0], dst, 4096);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (st == MM_OK) n += (size_t)r;
    }
    close(p[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
    if (st != MM_OK) { free(buf); return st; }
    buf[n] = 0;
    *out = buf;
    *wstatus = ws;
    return MM_OK;
}
