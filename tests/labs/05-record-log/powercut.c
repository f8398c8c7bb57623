/*
 * powercut.so: an LD_PRELOAD shim for the lab 05 tests that models what a
 * power cut could leave on disk, one msync at a time.
 *
 *   POWERCUT_FILE=/abs/log POWERCUT_DIR=/abs/dir LD_PRELOAD=powercut.so prog ...
 *
 * The model: the only bytes KNOWN to be on disk are those an msync(MS_SYNC)
 * has written. The shim keeps that "disk image": it starts as the file's
 * contents when the program starts (the previous run ended cleanly), and
 * after every successful msync with MS_SYNC of a MAP_SHARED mapping of the
 * file it copies the synced pages (the range, rounded out to whole pages, as
 * the kernel syncs them) from the file into the image. MS_ASYNC adds nothing:
 * on Linux it does not write anything.
 *
 * At the entry and at the return of every msync that touches the file it
 * writes a sample: DIR/NNNNN.c (the file as the page cache holds it now,
 * which the kernel may write back at any moment) and DIR/NNNNN.d (the disk
 * image), plus one line in DIR/index:
 *
 *   NNNNN entry|return off=FILE_OFFSET len=LEN flags=SYNC|ASYNC|... rc=RC
 *
 * rltool crashcheck reads them. The shim knows nothing of the log format.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

struct range {
    long long off; /* file offset */
    size_t len;
    int shared;
};

static unsigned char *disk;
static size_t disk_len;
static int seq;

static const char *env(const char *k)
{
    const char *v = getenv(k);
    return v && *v ? v : NULL;
}

/* The whole file as it is now (the page cache). */
static unsigned char *read_file(const char *path, size_t *len)
{
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return NULL;
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = malloc(n ? n : 1);
    size_t got = 0;
    while (buf && got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return buf;
}

__attribute__((constructor)) static void powercut_init(void)
{
    const char *f = env("POWERCUT_FILE");
    if (f)
        disk = read_file(f, &disk_len);
}

static void write_blob(const char *dir, int n, const char *ext, const unsigned char *p, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%05d.%s", dir, n, ext);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    close(fd);
}

static void sample(const char *phase, const struct range *r, int flags, int rc)
{
    const char *dir = env("POWERCUT_DIR"), *f = env("POWERCUT_FILE");
    if (!dir || !f)
        return;
    int n = ++seq;
    size_t clen;
    unsigned char *cache = read_file(f, &clen);
    write_blob(dir, n, "c", cache, clen);
    free(cache);
    write_blob(dir, n, "d", disk, disk_len);

    char fl[64] = "";
    if (flags & MS_SYNC) strcat(fl, "|SYNC");
    if (flags & MS_ASYNC) strcat(fl, "|ASYNC");
    if (flags & MS_INVALIDATE) strcat(fl, "|INVALIDATE");
    char path[4096];
    snprintf(path, sizeof path, "%s/index", dir);
    FILE *ix = fopen(path, "a");
    if (!ix)
        return;
    fprintf(ix, "%05d %s off=%lld len=%zu flags=%s rc=%d\n", n, phase, r->off, r->len,
            fl[0] ? fl + 1 : "0", rc);
    fclose(ix);
}

/* The parts of [addr, addr+len) that map the log file, from /proc/self/maps. */
static int log_ranges(void *addr, size_t len, struct range *out, int max)
{
    const char *f = env("POWERCUT_FILE");
    struct stat st;
    if (!f || stat(f, &st) != 0)
        return 0;
    FILE *m = fopen("/proc/self/maps", "r");
    if (!m)
        return 0;
    unsigned long a = (unsigned long)addr, e = a + len;
    char line[4352];
    int n = 0;
    while (n < max && fgets(line, sizeof line, m)) {
        unsigned long s, t, off, ino;
        unsigned maj, min;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &s, &t, perms, &off, &maj, &min, &ino) != 7)
            continue;
        if (ino != (unsigned long)st.st_ino || maj != major(st.st_dev) || min != minor(st.st_dev))
            continue;
        unsigned long lo = a > s ? a : s, hi = e < t ? e : t;
        if (lo >= hi)
            continue;
        out[n].off = (long long)(off + (lo - s));
        out[n].len = hi - lo;
        out[n].shared = perms[3] == 's';
        n++;
    }
    fclose(m);
    return n;
}

/* The synced pages are on disk now: copy them from the file into the image. */
static void make_durable(const struct range *r)
{
    const char *f = env("POWERCUT_FILE");
    int fd = open(f, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) == 0) {
        size_t size = (size_t)st.st_size;
        size_t lo = (size_t)r->off, hi = lo + r->len;
        if (hi > size)
            hi = size;
        if (lo < hi) {
            if (hi > disk_len) {
                unsigned char *bigger = realloc(disk, hi);
                if (bigger) {
                    memset(bigger + disk_len, 0, hi - disk_len);
                    disk = bigger;
                    disk_len = hi;
                }
            }
            if (hi <= disk_len) {
                size_t got = 0;
                while (lo + got < hi) {
                    ssize_t n = pread(fd, disk + lo + got, hi - lo - got, (off_t)(lo + got));
                    if (n <= 0)
                        break;
                    got += (size_t)n;
                }
            }
        }
    }
    close(fd);
}

EXPORT int msync(void *addr, size_t len, int flags)
{
    static int (*real)(void *, size_t, int);
    if (!real)
        real = (int (*)(void *, size_t, int))dlsym(RTLD_NEXT, "msync");

    /* The kernel syncs whole pages: the length is rounded up. */
    long page = sysconf(_SC_PAGESIZE);
    size_t rlen = (len + (size_t)page - 1) / (size_t)page * (size_t)page;
    struct range r[8];
    int n = rlen ? log_ranges(addr, rlen, r, 8) : 0;
    struct range whole = { n ? r[0].off : -1, len, 1 };

    if (n)
        sample("entry", &whole, flags, 0);
    int rc = real(addr, len, flags);
    int e = errno;
    if (n) {
        if (rc == 0 && (flags & MS_SYNC))
            for (int i = 0; i < n; i++)
                if (r[i].shared)
                    make_durable(&r[i]);
        sample("return", &whole, flags, rc);
    }
    errno = e;
    return rc;
}
