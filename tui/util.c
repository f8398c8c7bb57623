#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

mm_status read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return MM_ERR_IO;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) { fclose(f); return MM_ERR_NOMEM; }
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap * 2);
            if (!nb) { free(buf); fclose(f); return MM_ERR_NOMEM; }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) { free(buf); return MM_ERR_IO; }
    buf[n] = 0;
    *out = buf;
    if (len) *len = n;
    return MM_OK;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p) return NULL;
    memcpy(p, a, la); /* NOLINT(bugprone-not-null-terminated-result): b's copy below ends it */
    size_t at = la;
    if (la && a[la - 1] != '/') p[at++] = '/';
    memcpy(p + at, b, lb + 1);
    return p;
}

int parse_count(const char *s, size_t max_digits, int *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > max_digits || n > 10 || strspn(s, "0123456789") != n) return 0;
    long long v = strtoll(s, NULL, 10);
    if (v > INT_MAX) return 0;
    *out = (int)v;
    return 1;
}

int file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

mm_status write_file_atomic(const char *path, const char *data, size_t len)
{
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 32), *dir = malloc(pl + 2);
    if (!tmp || !dir) { free(tmp); free(dir); return MM_ERR_NOMEM; }
    snprintf(tmp, pl + 32, "%s.tmp.%ld", path, (long)getpid());
    memcpy(dir, path, pl + 1);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = 0;
    else strcpy(dir, ".");
    mm_status st = MM_ERR_IO;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
        if (write_all(fd, data, len) == 0 && fsync(fd) == 0) st = MM_OK;
        if (close(fd) != 0) st = MM_ERR_IO;
        if (st == MM_OK && rename(tmp, path) != 0) st = MM_ERR_IO;
        if (st != MM_OK) unlink(tmp);
    }
    if (st == MM_OK) {
        int dfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            if (fsync(dfd) != 0) st = MM_ERR_IO;
            close(dfd);
        }
    }
    free(tmp);
    free(dir);
    return st;
}

void sb_add(struct strbuf *b, const char *s, size_t n)
{
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        while (nc < b->len + n + 1) nc *= 2;
        char *p = realloc(b->s, nc);
        if (!p) {
            free(b->s);
            b->s = NULL;
            b->failed = 1;
            return;
        }
        b->s = p;
        b->cap = nc;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_adds(struct strbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

int usable_cpus(void)
{
    /* The affinity mask, not the machine's count: a container or taskset
     * may give this process fewer CPUs than the machine has. */
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    return online > 0 ? (int)online : 1;
}
