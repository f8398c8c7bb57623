/*
 * calltrace.so: an LD_PRELOAD shim that logs the memory-mapping calls a lab
 * program makes, so tests can check how a job was done, not only its result.
 *
 * Enabled by MMAPLAB_TRACE=FILE. One line per call, appended:
 *
 *   PID NAME key=value ... ret=VALUE [errno=NAME]
 *
 * File descriptors are also logged as the path they refer to (path=...), so
 * an assertion can say "no read() of the input file" without following
 * dup() chains. Paths have '%', spaces, '=' and newlines escaped as %25,
 * %20, %3D and %0A, so that each field is one word and reads back exactly.
 *
 * MMAPLAB_FAKE_PAGESIZE=N makes sysconf(_SC_PAGESIZE) and getpagesize()
 * report N: a program that hard-codes 4096 then misaligns on purpose-built
 * 16 KiB "pages", which the kernel still accepts because 16 KiB is a
 * multiple of the real page.
 *
 * The log is written with raw system calls opened per line, so the shim
 * never recurses into itself, survives programs that close every descriptor,
 * and keeps the order of calls across fork().
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define P(x) ((unsigned long)(uintptr_t)(x))

struct flag { long bit; const char *name; };

static const struct flag prot_flags[] = {
    { PROT_READ, "READ" }, { PROT_WRITE, "WRITE" }, { PROT_EXEC, "EXEC" }, { 0, 0 }
};
static const struct flag map_flags[] = {
    { MAP_SHARED, "SHARED" }, { MAP_PRIVATE, "PRIVATE" },
#ifdef MAP_SHARED_VALIDATE
    { MAP_SHARED_VALIDATE & ~(MAP_SHARED | MAP_PRIVATE), "VALIDATE" },
#endif
    { MAP_FIXED, "FIXED" }, { MAP_ANONYMOUS, "ANONYMOUS" }, { MAP_POPULATE, "POPULATE" },
    { MAP_NORESERVE, "NORESERVE" }, { MAP_GROWSDOWN, "GROWSDOWN" }, { MAP_LOCKED, "LOCKED" },
    { MAP_HUGETLB, "HUGETLB" }, { MAP_STACK, "STACK" },
#ifdef MAP_FIXED_NOREPLACE
    { MAP_FIXED_NOREPLACE, "FIXED_NOREPLACE" },
#endif
    { 0, 0 }
};
static const struct flag msync_flags[] = {
    { MS_ASYNC, "ASYNC" }, { MS_SYNC, "SYNC" }, { MS_INVALIDATE, "INVALIDATE" }, { 0, 0 }
};
static const struct flag mremap_flags[] = {
    { MREMAP_MAYMOVE, "MAYMOVE" }, { MREMAP_FIXED, "FIXED" },
#ifdef MREMAP_DONTUNMAP
    { MREMAP_DONTUNMAP, "DONTUNMAP" },
#endif
    { 0, 0 }
};
static const struct flag open_flags[] = {
    { O_CREAT, "CREAT" }, { O_EXCL, "EXCL" }, { O_TRUNC, "TRUNC" }, { O_APPEND, "APPEND" },
    { O_NONBLOCK, "NONBLOCK" }, { O_CLOEXEC, "CLOEXEC" }, { O_DIRECTORY, "DIRECTORY" },
    { O_NOFOLLOW, "NOFOLLOW" }, { O_DIRECT, "DIRECT" }, { O_SYNC, "SYNC" }, { 0, 0 }
};

static const char *advice_name(int a, char *buf, size_t n)
{
    switch (a) {
    case MADV_NORMAL: return "NORMAL";
    case MADV_RANDOM: return "RANDOM";
    case MADV_SEQUENTIAL: return "SEQUENTIAL";
    case MADV_WILLNEED: return "WILLNEED";
    case MADV_DONTNEED: return "DONTNEED";
#ifdef MADV_FREE
    case MADV_FREE: return "FREE";
#endif
    case MADV_REMOVE: return "REMOVE";
    case MADV_DONTFORK: return "DONTFORK";
    case MADV_DOFORK: return "DOFORK";
    case MADV_HUGEPAGE: return "HUGEPAGE";
    case MADV_NOHUGEPAGE: return "NOHUGEPAGE";
#ifdef MADV_WIPEONFORK
    case MADV_WIPEONFORK: return "WIPEONFORK";
#endif
#ifdef MADV_COLD
    case MADV_COLD: return "COLD";
#endif
#ifdef MADV_PAGEOUT
    case MADV_PAGEOUT: return "PAGEOUT";
#endif
#ifdef MADV_POPULATE_READ
    case MADV_POPULATE_READ: return "POPULATE_READ";
    case MADV_POPULATE_WRITE: return "POPULATE_WRITE";
#endif
    }
    snprintf(buf, n, "%d", a);
    return buf;
}

/* A small line builder on the stack: no malloc inside the shim. */
struct line { char buf[1536]; size_t len; };

static void put(struct line *l, const char *fmt, ...)
{
    if (l->len >= sizeof l->buf) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, sizeof l->buf - l->len, fmt, ap);
    va_end(ap);
    if (n > 0) l->len += (size_t)n;
    if (l->len > sizeof l->buf - 1) l->len = sizeof l->buf - 1;
}

static void put_flags(struct line *l, const char *key, long v, const struct flag *t, const char *none)
{
    put(l, " %s=", key);
    int first = 1;
    for (; t->name; t++) {
        if (t->bit && (v & t->bit) == t->bit) {
            put(l, "%s%s", first ? "" : "|", t->name);
            v &= ~t->bit;
            first = 0;
        }
    }
    if (v) { put(l, "%s0x%lx", first ? "" : "|", v); first = 0; }
    if (first) put(l, "%s", none);
}

static void put_escaped(struct line *l, const char *key, const char *s)
{
    put(l, " %s=", key);
    for (; *s && l->len < sizeof l->buf - 4; s++) {
        if (*s == '%') put(l, "%%25");
        else if (*s == ' ') put(l, "%%20");
        else if (*s == '=') put(l, "%%3D");
        else if (*s == '\n') put(l, "%%0A");
        else l->buf[l->len++] = *s;
    }
}

static void put_fd_path(struct line *l, int fd)
{
    char link[64], target[1024];
    if (fd < 0) return;
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    long n = syscall(SYS_readlinkat, AT_FDCWD, link, target, sizeof target - 1);
    if (n <= 0) return;
    target[n] = 0;
    put_escaped(l, "path", target);
}

static void begin(struct line *l, const char *name)
{
    l->len = 0;
    put(l, "%ld %s", (long)syscall(SYS_getpid), name);
}

static void finish(struct line *l, int failed, int err)
{
    if (failed) put(l, " errno=%s", strerrorname_np(err) ? strerrorname_np(err) : "?");
    put(l, "\n");
    const char *path = getenv("MMAPLAB_TRACE");
    if (!path || !*path) return;
    long fd = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return;
    (void)!syscall(SYS_write, (int)fd, l->buf, l->len);
    syscall(SYS_close, (int)fd);
}

#define REAL(ret, name, ...)                                          \
    static ret (*real)(__VA_ARGS__);                                  \
    if (!real) real = (ret (*)(__VA_ARGS__))dlsym(RTLD_NEXT, #name)

EXPORT void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    REAL(void *, mmap, void *, size_t, int, int, int, off_t);
    void *r = real(addr, len, prot, flags, fd, off);
    int e = errno;
    struct line l;
    begin(&l, "mmap");
    put(&l, " addr=0x%lx len=%zu", P(addr), len);
    put_flags(&l, "prot", prot, prot_flags, "NONE");
    put_flags(&l, "flags", flags, map_flags, "0");
    put(&l, " fd=%d off=%lld", fd, (long long)off);
    if (!(flags & MAP_ANONYMOUS)) put_fd_path(&l, fd);
    put(&l, " ret=0x%lx", P(r));
    finish(&l, r == MAP_FAILED, e);
    errno = e;
    return r;
}
EXPORT void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
    __attribute__((alias("mmap")));

EXPORT int munmap(void *addr, size_t len)
{
    REAL(int, munmap, void *, size_t);
    int r = real(addr, len);
    int e = errno;
    struct line l;
    begin(&l, "munmap");
    put(&l, " addr=0x%lx len=%zu ret=%d", P(addr), len, r);
    finish(&l, r != 0, e);
    errno = e;
    return r;
}

EXPORT int msync(void *addr, size_t len, int flags)
{
    REAL(int, msync, void *, size_t, int);
    int r = real(addr, len, flags);
    int e = errno;
    struct line l;
    begin(&l, "msync");
    put(&l, " addr=0x%lx len=%zu", P(addr), len);
    put_flags(&l, "flags", flags, msync_flags, "0");
    put(&l, " ret=%d", r);
    finish(&l, r != 0, e);
    errno = e;
    return r;
}

EXPORT int madvise(void *addr, size_t len, int advice)
{
    REAL(int, madvise, void *, size_t, int);
    int r = real(addr, len, advice);
    int e = errno;
    char nb[16];
    struct line l;
    begin(&l, "madvise");
    put(&l, " addr=0x%lx len=%zu advice=%s ret=%d", P(addr), len, advice_name(advice, nb, sizeof nb), r);
    finish(&l, r != 0, e);
    errno = e;
    return r;
}

EXPORT int posix_madvise(void *addr, size_t len, int advice)
{
    REAL(int, posix_madvise, void *, size_t, int);
    int r = real(addr, len, advice);
    char nb[16];
    struct line l;
    begin(&l, "madvise");
    put(&l, " addr=0x%lx len=%zu advice=%s ret=%d via=posix_madvise", P(addr), len,
        advice_name(advice, nb, sizeof nb), r);
    finish(&l, r != 0, r);
    return r;
}

EXPORT int mprotect(void *addr, size_t len, int prot)
{
    REAL(int, mprotect, void *, size_t, int);
    int r = real(addr, len, prot);
    int e = errno;
    struct line l;
    begin(&l, "mprotect");
    put(&l, " addr=0x%lx len=%zu", P(addr), len);
    put_flags(&l, "prot", prot, prot_flags, "NONE");
    put(&l, " ret=%d", r);
    finish(&l, r != 0, e);
    errno = e;
    return r;
}

EXPORT void *mremap(void *old, size_t old_len, size_t new_len, int flags, ...)
{
    REAL(void *, mremap, void *, size_t, size_t, int, ...);
    void *want = NULL;
    if (flags & MREMAP_FIXED) {
        va_list ap;
        va_start(ap, flags);
        want = va_arg(ap, void *);
        va_end(ap);
    }
    void *r = (flags & MREMAP_FIXED) ? real(old, old_len, new_len, flags, want)
                                     : real(old, old_len, new_len, flags);
    int e = errno;
    struct line l;
    begin(&l, "mremap");
    put(&l, " addr=0x%lx old_len=%zu new_len=%zu", P(old), old_len, new_len);
    put_flags(&l, "flags", flags, mremap_flags, "0");
    if (flags & MREMAP_FIXED) put(&l, " new_addr=0x%lx", P(want));
    put(&l, " ret=0x%lx", P(r));
    finish(&l, r == MAP_FAILED, e);
    errno = e;
    return r;
}

static int log_ftruncate(int fd, off_t len, int r, int e, const char *name)
{
    struct line l;
    begin(&l, name);
    put(&l, " fd=%d len=%lld", fd, (long long)len);
    put_fd_path(&l, fd);
    put(&l, " ret=%d", r);
    finish(&l, r != 0, e);
    errno = e;
    return r;
}

EXPORT int ftruncate(int fd, off_t len)
{
    REAL(int, ftruncate, int, off_t);
    int r = real(fd, len);
    return log_ftruncate(fd, len, r, errno, "ftruncate");
}
EXPORT int ftruncate64(int fd, off_t len) __attribute__((alias("ftruncate")));

EXPORT int posix_fallocate(int fd, off_t off, off_t len)
{
    REAL(int, posix_fallocate, int, off_t, off_t);
    int r = real(fd, off, len);
    struct line l;
    begin(&l, "posix_fallocate");
    put(&l, " fd=%d off=%lld len=%lld", fd, (long long)off, (long long)len);
    put_fd_path(&l, fd);
    put(&l, " ret=%d", r);
    finish(&l, r != 0, r);
    return r;
}

static void log_open(const char *name, int dirfd, const char *path, int flags, mode_t mode,
                     int r, int e)
{
    struct line l;
    begin(&l, name);
    if (dirfd != AT_FDCWD) put(&l, " dirfd=%d", dirfd);
    put_escaped(&l, "file", path ? path : "(null)");
    const char *acc = (flags & O_ACCMODE) == O_RDONLY ? "RDONLY"
                    : (flags & O_ACCMODE) == O_WRONLY ? "WRONLY" : "RDWR";
    put(&l, " flags=%s", acc);
    for (const struct flag *t = open_flags; t->name; t++)
        if (flags & t->bit) put(&l, "|%s", t->name);
    if (flags & O_CREAT) put(&l, " mode=0%o", (unsigned)mode);
    put(&l, " ret=%d", r);
    if (r >= 0) put_fd_path(&l, r);
    finish(&l, r < 0, e);
    errno = e;
}

static mode_t mode_arg(int flags, va_list ap)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
    REAL(int, open, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int r = real(path, flags, mode);
    log_open("open", AT_FDCWD, path, flags, mode, r, errno);
    return r;
}
EXPORT int open64(const char *path, int flags, ...) __attribute__((alias("open")));

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
    REAL(int, openat, int, const char *, int, ...);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = mode_arg(flags, ap);
    va_end(ap);
    int r = real(dirfd, path, flags, mode);
    log_open("open", dirfd, path, flags, mode, r, errno);
    return r;
}
EXPORT int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

EXPORT int __open_2(const char *path, int flags)
{
    REAL(int, open, const char *, int, ...);
    int r = real(path, flags);
    log_open("open", AT_FDCWD, path, flags, 0, r, errno);
    return r;
}
EXPORT int __open64_2(const char *path, int flags) __attribute__((alias("__open_2")));

EXPORT FILE *fopen(const char *path, const char *mode)
{
    REAL(FILE *, fopen, const char *, const char *);
    FILE *r = real(path, mode);
    int e = errno;
    struct line l;
    begin(&l, "fopen");
    put_escaped(&l, "file", path ? path : "(null)");
    put(&l, " mode=%s ret=%s", mode, r ? "ok" : "NULL");
    if (r) put_fd_path(&l, fileno(r));
    finish(&l, r == NULL, e);
    errno = e;
    return r;
}
EXPORT FILE *fopen64(const char *path, const char *mode) __attribute__((alias("fopen")));

static ssize_t log_read(const char *name, int fd, size_t n, long long off, ssize_t r, int e)
{
    struct line l;
    begin(&l, name);
    put(&l, " fd=%d len=%zu", fd, n);
    if (off >= 0) put(&l, " off=%lld", off);
    put_fd_path(&l, fd);
    put(&l, " ret=%zd", r);
    finish(&l, r < 0, e);
    errno = e;
    return r;
}

EXPORT ssize_t read(int fd, void *buf, size_t n)
{
    REAL(ssize_t, read, int, void *, size_t);
    ssize_t r = real(fd, buf, n);
    return log_read("read", fd, n, -1, r, errno);
}
EXPORT ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen)
{
    (void)buflen;
    return read(fd, buf, n);
}

EXPORT ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
    REAL(ssize_t, pread, int, void *, size_t, off_t);
    ssize_t r = real(fd, buf, n, off);
    return log_read("pread", fd, n, (long long)off, r, errno);
}
EXPORT ssize_t pread64(int fd, void *buf, size_t n, off_t off) __attribute__((alias("pread")));
EXPORT ssize_t __pread_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
{
    (void)buflen;
    return pread(fd, buf, n, off);
}
EXPORT ssize_t __pread64_chk(int fd, void *buf, size_t n, off_t off, size_t buflen)
    __attribute__((alias("__pread_chk")));

static ssize_t log_write(const char *name, int fd, size_t n, long long off, ssize_t r, int e)
{
    struct line l;
    begin(&l, name);
    put(&l, " fd=%d len=%zu", fd, n);
    if (off >= 0) put(&l, " off=%lld", off);
    put_fd_path(&l, fd);
    put(&l, " ret=%zd", r);
    finish(&l, r < 0, e);
    errno = e;
    return r;
}

EXPORT ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(ssize_t, write, int, const void *, size_t);
    ssize_t r = real(fd, buf, n);
    return log_write("write", fd, n, -1, r, errno);
}

EXPORT ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(ssize_t, pwrite, int, const void *, size_t, off_t);
    ssize_t r = real(fd, buf, n, off);
    return log_write("pwrite", fd, n, (long long)off, r, errno);
}
EXPORT ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) __attribute__((alias("pwrite")));

static long fake_page(long real_value)
{
    const char *f = getenv("MMAPLAB_FAKE_PAGESIZE");
    if (!f || !*f) return real_value;
    long v = strtol(f, NULL, 10);
    return v > 0 ? v : real_value;
}

EXPORT long sysconf(int name)
{
    REAL(long, sysconf, int);
    long r = real(name);
    if (name != _SC_PAGESIZE) return r;
    r = fake_page(r);
    struct line l;
    begin(&l, "sysconf");
    put(&l, " name=_SC_PAGESIZE ret=%ld", r);
    finish(&l, 0, 0);
    return r;
}

EXPORT int getpagesize(void)
{
    REAL(int, getpagesize, void);
    int r = (int)fake_page(real());
    struct line l;
    begin(&l, "getpagesize");
    put(&l, " ret=%d", r);
    finish(&l, 0, 0);
    return r;
}
