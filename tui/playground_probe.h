/* What the playground measures, without changing anything: page-cache
 * residency (mincore), page-table presence (/proc/self/pagemap), the
 * process's resident memory (/proc/self/status) and its page faults
 * (getrusage). No drawing, no state of its own. */
#ifndef MMAPLAB_PLAYGROUND_PROBE_H
#define MMAPLAB_PLAYGROUND_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* Bits of a /proc/PID/pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
#define PAGEMAP_PRESENT   (UINT64_C(1) << 63)
#define PAGEMAP_SWAPPED   (UINT64_C(1) << 62)
#define PAGEMAP_FILE      (UINT64_C(1) << 61)   /* file page or shared anonymous */
#define PAGEMAP_EXCLUSIVE (UINT64_C(1) << 56)
#define PAGEMAP_SOFTDIRTY (UINT64_C(1) << 55)
#define PAGEMAP_PFN_MASK  ((UINT64_C(1) << 55) - 1)

struct pg_counters {
    int have_status;            /* /proc/self/status could be read */
    long vm_rss_kb, rss_file_kb, rss_anon_kb;
    long minflt, majflt;        /* getrusage(RUSAGE_SELF) totals */
};

/* mincore() over npages pages at addr: vec[i] = 1 when page i is in the
 * page cache (or resident, for a private copy). Returns 0 or an errno. */
int probe_mincore(void *addr, size_t npages, size_t pagesize, unsigned char *vec);

/* Open a pagemap file (path NULL: /proc/self/pagemap). Returns an fd, or
 * -errno. */
int probe_pagemap_open(const char *path);
/* Read the entries of npages pages at addr. Returns 0 or an errno. */
int probe_pagemap(int fd, void *addr, size_t npages, size_t pagesize, uint64_t *entries);

/* VmRSS, RssFile and RssAnon from /proc/self/status, and the fault counts. */
void probe_counters(struct pg_counters *c);

/* The file system type of a path ("ext4", "tmpfs", "0x1234" ...) into
 * buf; *tmpfs set when it keeps files only in memory (tmpfs, ramfs).
 * Returns 0 or an errno. */
int probe_fstype(const char *path, char *buf, size_t size, int *tmpfs);
int probe_fstype_fd(int fd, char *buf, size_t size, int *tmpfs);

#endif
