/* The playground's measurements: see playground_probe.h. */
#include "playground_probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>

int probe_mincore(void *addr, size_t npages, size_t pagesize, unsigned char *vec)
{
    if (mincore(addr, npages * pagesize, vec) != 0) return errno;
    for (size_t i = 0; i < npages; i++) vec[i] &= 1;
    return 0;
}

int probe_pagemap_open(const char *path)
{
    int fd = open(path ? path : "/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int probe_pagemap(int fd, void *addr, size_t npages, size_t pagesize, uint64_t *entries)
{
    off_t off = (off_t)((uintptr_t)addr / pagesize * sizeof(uint64_t));
    size_t want = npages * sizeof(uint64_t), got = 0;
    while (got < want) {
        ssize_t r = pread(fd, (char *)entries + got, want - got, off + (off_t)got);
        if (r < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (r == 0) return EIO;
        got += (size_t)r;
    }
    return 0;
}

static long status_kb(const char *text, const char *name)
{
    const char *p = text;
    size_t n = strlen(name);
    while ((p = strstr(p, name))) {
        if ((p == text || p[-1] == '\n') && p[n] == ':') return strtol(p + n + 1, NULL, 10);
        p += n;
    }
    return -1;
}

void probe_counters(struct pg_counters *c)
{
    memset(c, 0, sizeof *c);
    c->vm_rss_kb = c->rss_file_kb = c->rss_anon_kb = -1;
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        char buf[4096];
        size_t n = 0;
        ssize_t r;
        while (n + 1 < sizeof buf && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)r;
        close(fd);
        buf[n] = 0;
        c->vm_rss_kb = status_kb(buf, "VmRSS");
        c->rss_file_kb = status_kb(buf, "RssFile");
        c->rss_anon_kb = status_kb(buf, "RssAnon");
        c->have_status = c->vm_rss_kb >= 0;
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0) {
        c->minflt = ru.ru_minflt;
        c->majflt = ru.ru_majflt;
    }
}

static void fs_name(const struct statfs *sf, char *buf, size_t size, int *tmpfs)
{
    static const struct { unsigned long magic; const char *name; int memory; } names[] = {
        { 0xEF53, "ext4", 0 }, { 0x58465342, "xfs", 0 }, { 0x9123683E, "btrfs", 0 },
        { 0x01021994, "tmpfs", 1 }, { 0x858458f6, "ramfs", 1 }, { 0x794c7630, "overlayfs", 0 },
        { 0x6969, "nfs", 0 }, { 0xF2F52010, "f2fs", 0 }, { 0x2fc12fc1, "zfs", 0 },
        { 0x65735546, "fuse", 0 }, { 0x4d44, "vfat", 0 }, { 0x5346544e, "ntfs", 0 },
    };
    *tmpfs = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((unsigned long)sf->f_type == names[i].magic) {
            snprintf(buf, size, "%s", names[i].name);
            *tmpfs = names[i].memory;
            return;
        }
    snprintf(buf, size, "0x%lx", (unsigned long)sf->f_type);
}

int probe_fstype(const char *path, char *buf, size_t size, int *tmpfs)
{
    struct statfs sf;
    if (statfs(path, &sf) != 0) return errno;
    fs_name(&sf, buf, size, tmpfs);
    return 0;
}

int probe_fstype_fd(int fd, char *buf, size_t size, int *tmpfs)
{
    struct statfs sf;
    if (fstatfs(fd, &sf) != 0) return errno;
    fs_name(&sf, buf, size, tmpfs);
    return 0;
}
