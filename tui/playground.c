/* The page-cache playground's model: see playground.h. */
#include "playground.h"
#include "i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21   /* Linux 5.4; older headers lack it */
#endif

static const char *T(const struct playground *pg, const char *id) __attribute__((format_arg(2)));
static const char *T(const struct playground *pg, const char *id)
{
    return tr(pg->lang, id);
}

const char *pg_lang_name(int i)
{
    return i == 1 ? "zh" : "en";
}

int pg_lang_index(const char *lang)
{
    return lang && !strcmp(lang, "zh") ? 1 : 0;
}

static void put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* A log entry is written in every interface language at once, so that L
 * switches the whole log, not only the entries that come after it. FIELD
 * is a [PG_LANGS][N] array of the entry; FMT is the English text (the
 * catalogue's key). */
static void put_tr(char *field, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void put_tr(char *field, size_t size, const char *fmt, ...)
{
    for (int i = 0; i < PG_LANGS; i++) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(field + (size_t)i * size, size, tr(pg_lang_name(i), fmt), ap);
        va_end(ap);
    }
}
#define PUT_TR(field, ...) put_tr((field)[0], sizeof (field)[0], __VA_ARGS__)

/* Append to a log field. */
static void add(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t size, const char *fmt, ...)
{
    size_t n = strlen(buf);
    if (n + 1 >= size) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, size - n, fmt, ap);
    va_end(ap);
}

/* Append a space and a translated sentence to every language of FIELD. */
static void add_tr(char *field, size_t size, const char *text)
{
    for (int i = 0; i < PG_LANGS; i++) add(field + (size_t)i * size, size, " %s", tr(pg_lang_name(i), text));
}
#define ADD_TR(field, text) add_tr((field)[0], sizeof (field)[0], (text))

static struct pg_log *log_new(struct playground *pg, enum pg_tone tone)
{
    struct pg_log *e = &pg->log[pg->nlog % PG_LOG_MAX];
    pg->nlog++;
    memset(e, 0, sizeof *e);
    e->tone = tone;
    return e;
}

const struct pg_log *playground_log(const struct playground *pg, size_t i)
{
    if (i >= pg->nlog || i >= PG_LOG_MAX) return NULL;
    return &pg->log[(pg->nlog - 1 - i) % PG_LOG_MAX];
}

size_t playground_log_count(const struct playground *pg)
{
    return pg->nlog < PG_LOG_MAX ? pg->nlog : PG_LOG_MAX;
}

void playground_set_lang(struct playground *pg, const char *lang)
{
    snprintf(pg->lang, sizeof pg->lang, "%s", lang);
}

/* " = 0" or " = -1 EINVAL (Invalid argument)" after a call. */
static void result(char *buf, size_t size, int rc, int err)
{
    if (rc == 0) add(buf, size, " = 0");
    else add(buf, size, " = -1 %s (%s)", strerrorname_np(err) ? strerrorname_np(err) : "?", strerror(err));
}

static void printable(unsigned char c, char *buf, size_t size)
{
    if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') snprintf(buf, size, "'%c'", c);
    else snprintf(buf, size, "'\\x%02x'", c);
}

/* --- probing --- */

void playground_probe(struct playground *pg)
{
    probe_counters(&pg->now);
    struct stat st;
    if (fstat(pg->fd, &st) == 0) pg->size = st.st_size;
    for (size_t i = 0; i < pg->npages; i++) {
        struct pg_page *p = &pg->pages[i];
        p->past_eof = (off_t)(i * pg->pagesize) >= pg->size;
        p->cached = p->present = p->file_page = -1;
    }
    if (!pg->map) return;
    pg->mincore_error = probe_mincore(pg->map, pg->npages, pg->pagesize, pg->vec);
    int pm_ok = pg->pagemap_fd >= 0 && probe_pagemap(pg->pagemap_fd, pg->map, pg->npages, pg->pagesize, pg->pm) == 0;
    for (size_t i = 0; i < pg->npages; i++) {
        struct pg_page *p = &pg->pages[i];
        if (!pg->mincore_error) p->cached = (pg->vec[i] & 1) ? 1 : 0;
        if (pm_ok) {
            p->present = (pg->pm[i] & PAGEMAP_PRESENT) ? 1 : 0;
            p->file_page = p->present == 1 && (pg->pm[i] & PAGEMAP_FILE) ? 1 : 0;
        }
        /* A page out of the cache cannot be dirty in it; a page past the
         * end of the file is gone, written or not. */
        if (p->past_eof || (p->cached == 0 && !pg->private_map)) p->written = 0;
        if (p->past_eof) p->copied = 0;
        if (pg->private_map && p->present == 1 && p->file_page == 1) p->copied = 0;
    }
}

char playground_glyph(const struct playground *pg, size_t i)
{
    const struct pg_page *p = &pg->pages[i];
    if (p->past_eof) return 'x';
    if (pg->private_map && (p->present >= 0 ? p->present == 1 && p->file_page == 0 : p->copied)) return 'C';
    if (p->cached == -1) return '?';
    if (p->cached == 0) return '.';
    if (p->present == -1) return '?';
    if (p->written) return p->present ? 'W' : 'w';
    return p->present ? 'M' : 'c';
}

/* --- opening --- */

static int write_all(int fd, const char *buf, size_t n)
{
    while (n) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* A private folder for the scratch file, on disk when possible. */
static char *scratch_dir(const char *workspace)
{
    char ws[4096] = "";
    if (workspace) {
        snprintf(ws, sizeof ws, "%s/.mmaplab", workspace);
        mkdir(ws, 0755);
    }
    const char *tmpdir = getenv("TMPDIR");
    const char *cands[] = { ws, "/var/tmp", tmpdir ? tmpdir : "", "/tmp" };
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
            if (!cands[i][0]) continue;
            char fs[32];
            int mem = 0;
            if (probe_fstype(cands[i], fs, sizeof fs, &mem) != 0) continue;
            if (mem && pass == 0) continue;
            char tmpl[4200];
            snprintf(tmpl, sizeof tmpl, "%s/mmaplab-playground-XXXXXX", cands[i]);
            if (mkdtemp(tmpl)) {
                char *d = malloc(strlen(tmpl) + 1);
                if (d) strcpy(d, tmpl);
                else rmdir(tmpl);
                return d;
            }
        }
    return NULL;
}

static int make_scratch(struct playground *pg, const char *workspace, char *err, size_t errlen)
{
    pg->tmpdir = scratch_dir(workspace);
    if (!pg->tmpdir) {
        put(err, errlen, T(pg, "cannot make a folder for the scratch file (tried %s/.mmaplab, /var/tmp, $TMPDIR, /tmp)"),
            workspace ? workspace : ".");
        return -1;
    }
    size_t n = strlen(pg->tmpdir) + 16;
    pg->path = malloc(n);
    if (!pg->path) return -1;
    snprintf(pg->path, n, "%s/scratch.bin", pg->tmpdir);
    pg->scratch = 1;
    pg->fd = open(pg->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (pg->fd < 0) {
        put(err, errlen, T(pg, "cannot create %s: %s"), pg->path, strerror(errno));
        return -1;
    }
    pg->fd_writable = 1;
    char *page = malloc(pg->pagesize);
    if (!page) return -1;
    for (size_t p = 0; p < PG_SCRATCH_PAGES; p++) {
        char line[80];
        int ll = snprintf(line, sizeof line, "page %03zu of the mmaplab playground's scratch file\n", p);
        for (size_t o = 0; o < pg->pagesize; o++) page[o] = line[o % (size_t)ll];
        if (write_all(pg->fd, page, pg->pagesize) != 0) {
            put(err, errlen, T(pg, "cannot write %s: %s"), pg->path, strerror(errno));
            free(page);
            return -1;
        }
    }
    free(page);
    /* Clean (written to disk) and out of the page cache: a cold start. */
    fsync(pg->fd);
    posix_fadvise(pg->fd, 0, 0, POSIX_FADV_DONTNEED);
    pg->size = (off_t)(PG_SCRATCH_PAGES * pg->pagesize);
    return 0;
}

static int open_file(struct playground *pg, const char *file, char *err, size_t errlen)
{
    pg->path = malloc(strlen(file) + 1);
    if (!pg->path) return -1;
    strcpy(pg->path, file);
    pg->fd = open(file, O_RDWR | O_CLOEXEC);
    pg->fd_writable = pg->fd >= 0;
    if (pg->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM || errno == ETXTBSY))
        pg->fd = open(file, O_RDONLY | O_CLOEXEC);
    if (pg->fd < 0) {
        put(err, errlen, T(pg, "cannot open %s: %s"), file, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(pg->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        put(err, errlen, T(pg, "%s is not a regular file"), file);
        return -1;
    }
    pg->size = st.st_size;
    return 0;
}

mm_status playground_open(struct playground *pg, const char *file, const char *workspace, const char *lang,
                          const char *pagemap_path, char *err, size_t errlen)
{
    memset(pg, 0, sizeof *pg);
    pg->fd = pg->pagemap_fd = -1;
    playground_set_lang(pg, lang);
    long ps = sysconf(_SC_PAGESIZE);
    pg->pagesize = ps > 0 ? (size_t)ps : 4096;
    pg->gen = 0;
    int rc = file ? open_file(pg, file, err, errlen) : make_scratch(pg, workspace, err, errlen);
    if (rc != 0) {
        if (!err[0]) put(err, errlen, "%s", T(pg, "out of memory"));
        playground_close(pg);
        return MM_ERR_IO;
    }
    if (probe_fstype_fd(pg->fd, pg->fstype, sizeof pg->fstype, &pg->tmpfs) != 0) snprintf(pg->fstype, sizeof pg->fstype, "?");
    size_t np = (size_t)((pg->size + (off_t)pg->pagesize - 1) / (off_t)pg->pagesize);
    if (np == 0) np = 1;           /* mmap of length 0 is EINVAL: map one page past the end */
    if (np > PG_MAX_PAGES) np = PG_MAX_PAGES;
    pg->npages = np;
    pg->len = np * pg->pagesize;
    pg->writable = pg->fd_writable;
    void *m = mmap(NULL, pg->len, PROT_READ | (pg->writable ? PROT_WRITE : 0), MAP_SHARED, pg->fd, 0);
    if (m == MAP_FAILED) {
        put(err, errlen, T(pg, "cannot map %s: %s"), pg->path, strerror(errno));
        playground_close(pg);
        return MM_ERR_IO;
    }
    pg->map = m;
    pg->pages = calloc(np, sizeof *pg->pages);
    pg->pm = calloc(np, sizeof *pg->pm);
    pg->vec = calloc(np, 1);
    if (!pg->pages || !pg->pm || !pg->vec) {
        put(err, errlen, "%s", T(pg, "out of memory"));
        playground_close(pg);
        return MM_ERR_NOMEM;
    }
    int fd = probe_pagemap_open(pagemap_path);
    if (fd < 0)
        put(pg->pagemap_note, sizeof pg->pagemap_note,
            T(pg, "cannot open %s (%s): whether a page is mapped is shown as ?"),
            pagemap_path ? pagemap_path : "/proc/self/pagemap", strerror(-fd));
    else
        pg->pagemap_fd = fd;
    playground_probe(pg);
    struct pg_log *e = log_new(pg, PG_TONE_INFO);
    put(e->call, sizeof e->call, "mmap(NULL, %zu, %s, MAP_SHARED, %d, 0) = %p", pg->len,
        pg->writable ? "PROT_READ|PROT_WRITE" : "PROT_READ", pg->fd, (void *)pg->map);
    if (pg->scratch)
        PUT_TR(e->why, "A scratch file of %d pages, written, fsync'ed and dropped from the page cache "
                       "(posix_fadvise): every page starts cold. Nothing is in the page tables yet.",
            PG_SCRATCH_PAGES);
    else
        PUT_TR(e->why, "Mapped %s. Nothing is in this process's page tables until it is touched.",
            pg->path);
    if (!pg->fd_writable) ADD_TR(e->why, "The file could only be opened read-only: the mapping cannot be written.");
    if (pg->size > (off_t)pg->len) ADD_TR(e->why, "Only the first 1024 pages are mapped.");
    return MM_OK;
}

void playground_close(struct playground *pg)
{
    if (pg->map) munmap(pg->map, pg->len);
    if (pg->fd >= 0) close(pg->fd);
    if (pg->pagemap_fd >= 0) close(pg->pagemap_fd);
    if (pg->scratch && pg->path) unlink(pg->path);
    if (pg->tmpdir) rmdir(pg->tmpdir);
    free(pg->path);
    free(pg->tmpdir);
    free(pg->pages);
    free(pg->pm);
    free(pg->vec);
    memset(pg, 0, sizeof *pg);
    pg->fd = pg->pagemap_fd = -1;
}

/* --- actions --- */

/* Resolve a request's range; 0, or -1 with the log saying why. */
static int range(struct playground *pg, const struct pg_request *r, struct pg_log *e, size_t *first, size_t *count)
{
    if (r->first < 0 || (size_t)r->first >= pg->npages) {
        e->tone = PG_TONE_ERROR;
        PUT_TR(e->why, "page %ld is outside the mapping (pages 0-%zu)", r->first, pg->npages - 1);
        return -1;
    }
    *first = (size_t)r->first;
    size_t left = pg->npages - *first;
    *count = r->count < 0 || (size_t)r->count > left ? left : (size_t)r->count;
    return 0;
}

static const char *prot_name(int writable)
{
    return writable ? "PROT_READ|PROT_WRITE" : "PROT_READ";
}

static const char *flags_name(int private_map)
{
    return private_map ? "MAP_PRIVATE" : "MAP_SHARED";
}

static void explain_fault(struct playground *pg, struct pg_log *e, const struct fault_info *fi, size_t page)
{
    e->tone = PG_TONE_FAULT;
    pg->out.fault = *fi;
    const char *code = fault_code_name(fi->signo, fi->code);
    add(e->call, sizeof e->call, " --- %s {si_code=%s, si_addr=%p} ---", fi->signo == SIGBUS ? "SIGBUS" : fi->signo == SIGSEGV ? "SIGSEGV" : "signal",
        code, fi->addr);
    if (fi->signo == SIGBUS)
        PUT_TR(e->why,
            "SIGBUS (%s) at page %zu: the page lies wholly beyond the end of the file (%lld bytes). Mapping past "
            "the end succeeds; the access fails. Caught with sigsetjmp/siglongjmp, so the playground goes on; "
            "uncaught, it kills the program (status 135 in a shell).",
            code, page, (long long)pg->size);
    else if (fi->signo == SIGSEGV && fi->code == SEGV_ACCERR)
        PUT_TR(e->why,
            "SIGSEGV (%s) at page %zu: the mapping is read-only (PROT_READ), so the write is refused. Caught and "
            "recovered; press m to allow writes again.",
            code, page);
    else if (fi->signo == 0)
        PUT_TR(e->why, "cannot install the SIGBUS/SIGSEGV handler: the access was not tried");
    else
        PUT_TR(e->why, "%s (%s) at page %zu: caught and recovered.",
            fi->signo == SIGBUS ? "SIGBUS" : "SIGSEGV", code, page);
}

static void do_load(struct playground *pg, struct pg_log *e, size_t first, size_t count, int touch)
{
    int was_present = pg->pages[first].present == 1;
    for (size_t p = first; p < first + count; p++) {
        unsigned char got = 0;
        struct fault_info fi;
        volatile unsigned char *addr = pg->map + p * pg->pagesize;
        if (p == first || !touch) put(e->call, sizeof e->call, touch ? "load *(char *)%p ... (pages %zu-%zu)" : "load *(char *)%p",
                                      (void *)addr, first, first + count - 1);
        if (guarded_access(addr, 0, 0, &got, &fi) != 0) {
            explain_fault(pg, e, &fi, p);
            return;
        }
        if (!touch) {
            char c[12];
            printable(got, c, sizeof c);
            add(e->call, sizeof e->call, " = %s", c);
        }
    }
    if (touch)
        PUT_TR(e->why, "Each page not yet mapped faulted once: minor when the page was in the page cache, "
                       "major when it had to be read from disk (with readahead). Fault-around maps up to "
                       "16 cached neighbours per fault, so there are fewer faults than pages.");
    else if (was_present)
        PUT_TR(e->why, "The page was already in the page tables: no fault, the CPU just read it.");
    else
        PUT_TR(e->why, "The read faulted: minor when the page was in the page cache, major when it had to "
                       "be read from disk (readahead brings neighbours too). Fault-around maps up to 16 "
                       "cached neighbours at once.");
}

static void do_store(struct playground *pg, struct pg_log *e, size_t page)
{
    unsigned char v = (unsigned char)('A' + pg->gen % 26);
    struct fault_info fi;
    volatile unsigned char *addr = pg->map + page * pg->pagesize;
    char c[12];
    printable(v, c, sizeof c);
    put(e->call, sizeof e->call, "store *(char *)%p = %s", (void *)addr, c);
    if (guarded_access(addr, 1, v, NULL, &fi) != 0) {
        explain_fault(pg, e, &fi, page);
        return;
    }
    pg->gen++;
    if (pg->private_map) pg->pages[page].copied = 1;
    else pg->pages[page].written = 1;
    unsigned char fb = 0;
    ssize_t r = pread(pg->fd, &fb, 1, (off_t)(page * pg->pagesize));
    char f[12];
    printable(fb, f, sizeof f);
    if (r == 1) {
        pg->out.file_sees = fb == v;
        add(e->call, sizeof e->call, "; pread(%d, .., 1, %zu) = 1 %s", pg->fd, page * pg->pagesize, f);
    }
    if (pg->private_map)
        PUT_TR(e->why,
            "MAP_PRIVATE: the write made a private copy of the page (copy-on-write). The file still holds %s "
            "(pread), and msync will never write the copy.", f);
    else
        PUT_TR(e->why,
            "MAP_SHARED: the write went into the page-cache page itself, so the file already shows %s (pread) "
            "before any msync. The page is dirty until msync(MS_SYNC) or writeback.", f);
}

static void do_msync(struct playground *pg, struct pg_log *e, size_t first, size_t count, int sync)
{
    void *addr = pg->map + first * pg->pagesize;
    size_t len = count * pg->pagesize;
    int rc = msync(addr, len, sync ? MS_SYNC : MS_ASYNC);
    int err = errno;
    put(e->call, sizeof e->call, "msync(%p, %zu, %s)", addr, len, sync ? "MS_SYNC" : "MS_ASYNC");
    result(e->call, sizeof e->call, rc, err);
    if (rc != 0) {
        pg->out.error = err;
        e->tone = PG_TONE_ERROR;
        PUT_TR(e->why, "msync failed: %s", strerror(err));
        return;
    }
    if (pg->private_map)
        PUT_TR(e->why, "msync does nothing for a MAP_PRIVATE mapping: private copies never reach the file.");
    else if (!sync)
        PUT_TR(e->why, "MS_ASYNC has done nothing on Linux since 2.6.19: dirty pages stay dirty until "
                       "normal writeback (about 30 s) or MS_SYNC. sync_file_range starts writeback now.");
    else {
        for (size_t p = first; p < first + count; p++) pg->pages[p].written = 0;
        PUT_TR(e->why, "MS_SYNC wrote the dirty pages of the range to the file and waited (like "
                       "fdatasync of the range). They stay cached and mapped, now clean.");
    }
}

static void wait_for_cache(struct playground *pg, size_t first, size_t count)
{
    /* Readahead is asynchronous: give it a moment to land. */
    for (int i = 0; i < 20; i++) {
        if (probe_mincore(pg->map, pg->npages, pg->pagesize, pg->vec) != 0) return;
        size_t in = 0, want = 0;
        for (size_t p = first; p < first + count; p++) {
            if ((off_t)(p * pg->pagesize) >= pg->size) break;   /* past the end: never cached */
            want++;
            in += pg->vec[p];
        }
        if (in == want) return;
        struct timespec ts = { 0, 10L * 1000 * 1000 };
        nanosleep(&ts, NULL);
    }
}

static void do_madvise(struct playground *pg, struct pg_log *e, size_t first, size_t count, enum pg_op op)
{
    static const struct { enum pg_op op; int advice; const char *name; } adv[] = {
        { PG_MADV_DONTNEED, MADV_DONTNEED, "MADV_DONTNEED" }, { PG_MADV_WILLNEED, MADV_WILLNEED, "MADV_WILLNEED" },
        { PG_MADV_SEQUENTIAL, MADV_SEQUENTIAL, "MADV_SEQUENTIAL" }, { PG_MADV_RANDOM, MADV_RANDOM, "MADV_RANDOM" },
        { PG_MADV_PAGEOUT, MADV_PAGEOUT, "MADV_PAGEOUT" },
    };
    size_t k = 0;
    while (adv[k].op != op) k++;
    void *addr = pg->map + first * pg->pagesize;
    size_t len = count * pg->pagesize;
    int rc = madvise(addr, len, adv[k].advice);
    int err = errno;
    put(e->call, sizeof e->call, "madvise(%p, %zu, %s)", addr, len, adv[k].name);
    result(e->call, sizeof e->call, rc, err);
    if (rc != 0) {
        pg->out.error = err;
        e->tone = PG_TONE_ERROR;
        if (op == PG_MADV_PAGEOUT && err == EINVAL)
            PUT_TR(e->why, "EINVAL: this kernel has no MADV_PAGEOUT (it came in Linux 5.4). Nothing changed.");
        else
            PUT_TR(e->why, "madvise failed: %s", strerror(err));
        return;
    }
    switch (op) {
    case PG_MADV_DONTNEED:
        if (pg->private_map) {
            for (size_t p = first; p < first + count; p++) pg->pages[p].copied = 0;
            PUT_TR(e->why, "MADV_DONTNEED removed this process's page-table entries (RSS falls) and, on "
                           "MAP_PRIVATE, threw the private copies away: the next read shows the file's "
                           "bytes again. The page cache is untouched.");
        } else {
            PUT_TR(e->why, "MADV_DONTNEED removed this process's page-table entries (RSS falls), not the "
                           "page cache: the next touch is a minor fault. Dirty pages stay dirty in the "
                           "cache; nothing is lost and no I/O happens.");
        }
        break;
    case PG_MADV_WILLNEED:
        wait_for_cache(pg, first, count);
        PUT_TR(e->why, "MADV_WILLNEED started readahead into the page cache but filled no page tables "
                       "(MAP_POPULATE or MADV_POPULATE_READ do that).");
        break;
    case PG_MADV_SEQUENTIAL:
        PUT_TR(e->why, "MADV_SEQUENTIAL changes nothing now: later faults from disk read further ahead. "
                       "It frees nothing early.");
        break;
    case PG_MADV_RANDOM:
        PUT_TR(e->why, "MADV_RANDOM turns readahead off: a fault from disk now reads just the page it "
                       "needs (a cold full scan gets many times slower).");
        break;
    default:
        PUT_TR(e->why, "MADV_PAGEOUT reclaimed the range: pages mapped only here were unmapped and, when "
                       "clean, dropped from the page cache.");
        break;
    }
}

static void do_fadvise(struct playground *pg, struct pg_log *e, size_t first, size_t count)
{
    off_t off = (off_t)(first * pg->pagesize), len = (off_t)(count * pg->pagesize);
    size_t before = 0, after = 0, mapped = 0;
    for (size_t p = first; p < first + count; p++) before += pg->pages[p].cached == 1;
    int rc = posix_fadvise(pg->fd, off, len, POSIX_FADV_DONTNEED);
    put(e->call, sizeof e->call, "fadvise64(%d, %lld, %lld, POSIX_FADV_DONTNEED)", pg->fd, (long long)off, (long long)len);
    result(e->call, sizeof e->call, rc ? -1 : 0, rc);
    if (rc != 0) {
        pg->out.error = rc;
        e->tone = PG_TONE_ERROR;
        PUT_TR(e->why, "posix_fadvise failed: %s", strerror(rc));
        return;
    }
    if (probe_mincore(pg->map, pg->npages, pg->pagesize, pg->vec) == 0)
        for (size_t p = first; p < first + count; p++) {
            after += pg->vec[p];
            mapped += pg->pages[p].present == 1;
        }
    if (pg->tmpfs && before && after == before)
        PUT_TR(e->why, "Nothing left the cache: on tmpfs the page cache is the file's only copy, so "
                       "POSIX_FADV_DONTNEED cannot drop it.");
    else
        PUT_TR(e->why,
            "POSIX_FADV_DONTNEED dropped the clean pages that no process maps (%zu left the cache). Pages still "
            "mapped (%zu here) or dirty stay; it also starts writeback of dirty ones.",
            before > after ? before - after : 0, mapped);
}

static void do_truncate(struct playground *pg, struct pg_log *e, long pages)
{
    off_t ns = (off_t)pages * (off_t)pg->pagesize, old = pg->size;
    int rc = ftruncate(pg->fd, ns);
    int err = errno;
    put(e->call, sizeof e->call, "ftruncate(%d, %lld)", pg->fd, (long long)ns);
    result(e->call, sizeof e->call, rc, err);
    if (rc != 0) {
        pg->out.error = err;
        e->tone = PG_TONE_ERROR;
        PUT_TR(e->why, "ftruncate failed: %s", strerror(err));
        return;
    }
    if (ns < old)
        PUT_TR(e->why,
            "The file shrank to %ld pages: its pages past the new end left the page cache and every page table. The "
            "mapping keeps its length, so touching those pages now raises SIGBUS.", pages);
    else if (ns > old)
        PUT_TR(e->why,
            "The file grew to %ld pages (a sparse file: no disk blocks until written). Pages up to the new end can be "
            "touched again; they read as zeros.", pages);
    else
        PUT_TR(e->why, "The file already had that size: nothing changed.");
}

static void do_protect(struct playground *pg, struct pg_log *e, int writable)
{
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    int rc = mprotect(pg->map, pg->len, prot);
    int err = errno;
    put(e->call, sizeof e->call, "mprotect(%p, %zu, %s)", (void *)pg->map, pg->len, prot_name(writable));
    result(e->call, sizeof e->call, rc, err);
    if (rc != 0) {
        pg->out.error = err;
        e->tone = PG_TONE_ERROR;
        if (err == EACCES)
            PUT_TR(e->why, "EACCES: a MAP_SHARED mapping can be writable only when the file was opened "
                           "for writing (O_RDWR).");
        else
            PUT_TR(e->why, "mprotect failed: %s", strerror(err));
        return;
    }
    pg->writable = writable;
    if (writable)
        PUT_TR(e->why, "Writes are allowed again.");
    else
        PUT_TR(e->why, "Read-only now: reads work as before, a write raises SIGSEGV (SEGV_ACCERR).");
}

static void do_map(struct playground *pg, struct pg_log *e, int private_map)
{
    int prot = PROT_READ | (pg->writable ? PROT_WRITE : 0);
    void *m = mmap(NULL, pg->len, prot, private_map ? MAP_PRIVATE : MAP_SHARED, pg->fd, 0);
    int err = errno;
    if (m == MAP_FAILED) {
        put(e->call, sizeof e->call, "mmap(NULL, %zu, %s, %s, %d, 0) = -1 %s (%s)", pg->len, prot_name(pg->writable),
            flags_name(private_map), pg->fd, strerrorname_np(err) ? strerrorname_np(err) : "?", strerror(err));
        pg->out.error = err;
        e->tone = PG_TONE_ERROR;
        PUT_TR(e->why, "mmap failed: %s; the old mapping stays", strerror(err));
        return;
    }
    put(e->call, sizeof e->call, "munmap(%p, %zu) = %d; mmap(NULL, %zu, %s, %s, %d, 0) = %p", (void *)pg->map, pg->len,
        munmap(pg->map, pg->len), pg->len, prot_name(pg->writable), flags_name(private_map), pg->fd, m);
    pg->map = m;
    pg->private_map = private_map;
    for (size_t p = 0; p < pg->npages; p++) pg->pages[p].copied = 0;
    if (private_map)
        PUT_TR(e->why, "MAP_PRIVATE: pages are the page cache's until written; a write makes a private copy that the file "
                       "and other processes never see. munmap does not flush: dirty shared pages stay dirty in the cache.");
    else
        PUT_TR(e->why, "MAP_SHARED: writes go into the page cache, so the file and every other mapping see them at once. "
                       "Private copies of the old mapping are gone.");
}

struct child_report {
    int ok, signo, code;
    unsigned char value;
};

static void do_fork_write(struct playground *pg, struct pg_log *e, size_t page)
{
    volatile unsigned char *addr = pg->map + page * pg->pagesize;
    int fds[2];
    if (pipe(fds) != 0) {
        int err = errno;
        put(e->call, sizeof e->call, "pipe() = -1 %s", strerrorname_np(err) ? strerrorname_np(err) : "?");
        e->tone = PG_TONE_ERROR;
        pg->out.error = err;
        PUT_TR(e->why, "pipe failed: %s", strerror(err));
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: write one byte through its copy of the mapping, report, leave. */
        close(fds[0]);
        struct child_report rep = { 0, 0, 0, 0 };
        struct fault_info fi;
        unsigned char old = 0;
        if (guarded_access(addr, 0, 0, &old, &fi) == 0) {
            rep.value = old == '*' ? '+' : '*';
            if (guarded_access(addr, 1, rep.value, NULL, &fi) == 0) rep.ok = 1;
        }
        if (!rep.ok) {
            rep.signo = fi.signo;
            rep.code = fi.code;
        }
        ssize_t w = write(fds[1], &rep, sizeof rep);
        _exit(w == (ssize_t)sizeof rep ? 0 : 1);
    }
    close(fds[1]);
    if (pid < 0) {
        int err = errno;
        close(fds[0]);
        put(e->call, sizeof e->call, "fork() = -1 %s", strerrorname_np(err) ? strerrorname_np(err) : "?");
        e->tone = PG_TONE_ERROR;
        pg->out.error = err;
        PUT_TR(e->why, "fork failed: %s", strerror(err));
        return;
    }
    struct child_report rep = {0};
    size_t got = 0;
    while (got < sizeof rep) {
        ssize_t r = read(fds[0], (char *)&rep + got, sizeof rep - got);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fds[0]);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR) {}
    put(e->call, sizeof e->call, "fork() = %d", (int)pid);
    if (got != sizeof rep) {
        e->tone = PG_TONE_ERROR;
        pg->out.error = EIO;
        PUT_TR(e->why, "the child did not report back");
        return;
    }
    if (!rep.ok) {
        struct fault_info fi = { rep.signo, rep.code, (void *)addr };
        add(e->call, sizeof e->call, "; child:");
        explain_fault(pg, e, &fi, page);
        return;
    }
    char c[12];
    printable(rep.value, c, sizeof c);
    add(e->call, sizeof e->call, "; child: store *(char *)%p = %s, exit 0", (void *)addr, c);
    unsigned char mine = 0;
    struct fault_info fi;
    if (guarded_access(addr, 0, 0, &mine, &fi) != 0) {
        explain_fault(pg, e, &fi, page);
        return;
    }
    char m[12];
    printable(mine, m, sizeof m);
    add(e->call, sizeof e->call, "; parent: load = %s", m);
    pg->out.parent_sees = mine == rep.value;
    if (!pg->private_map) pg->pages[page].written = 1;
    if (pg->out.parent_sees)
        PUT_TR(e->why,
            "The parent sees the child's %s: with MAP_SHARED both processes map the same page-cache page, and the "
            "file has the byte too.", c);
    else
        PUT_TR(e->why,
            "The parent does not see the child's %s (it reads %s): with MAP_PRIVATE the child's write made a copy "
            "for the child alone (copy-on-write). The file is unchanged.", c, m);
}

void playground_do(struct playground *pg, const struct pg_request *r)
{
    struct pg_log *e = log_new(pg, PG_TONE_OK);
    memset(&pg->out, 0, sizeof pg->out);
    pg->out.parent_sees = pg->out.file_sees = -1;
    pg->out.rss_file_before = pg->now.rss_file_kb;
    size_t first = 0, count = 0;
    int ranged = r->op != PG_TRUNCATE && r->op != PG_PROTECT_RO && r->op != PG_PROTECT_RW &&
                 r->op != PG_MAP_SHARED && r->op != PG_MAP_PRIVATE;
    if (!pg->map) {
        e->tone = PG_TONE_ERROR;
        PUT_TR(e->why, "there is no mapping");
        return;
    }
    if (ranged && range(pg, r, e, &first, &count) != 0) {
        pg->out.error = EINVAL;
        return;
    }
    pg->out.ran = 1;
    probe_counters(&pg->before);
    switch (r->op) {
    case PG_READ: do_load(pg, e, first, 1, 0); break;
    case PG_TOUCH: do_load(pg, e, first, count, 1); break;
    case PG_WRITE: do_store(pg, e, first); break;
    case PG_MSYNC_SYNC: do_msync(pg, e, first, count, 1); break;
    case PG_MSYNC_ASYNC: do_msync(pg, e, first, count, 0); break;
    case PG_MADV_DONTNEED: case PG_MADV_WILLNEED: case PG_MADV_SEQUENTIAL: case PG_MADV_RANDOM: case PG_MADV_PAGEOUT:
        do_madvise(pg, e, first, count, r->op);
        break;
    case PG_FADV_DONTNEED: do_fadvise(pg, e, first, count); break;
    case PG_TRUNCATE: do_truncate(pg, e, r->first); break;
    case PG_PROTECT_RO: do_protect(pg, e, 0); break;
    case PG_PROTECT_RW: do_protect(pg, e, 1); break;
    case PG_MAP_SHARED: do_map(pg, e, 0); break;
    case PG_MAP_PRIVATE: do_map(pg, e, 1); break;
    case PG_FORK_WRITE: do_fork_write(pg, e, first); break;
    case PG_OP_COUNT: break;
    }
    struct pg_counters after;
    probe_counters(&after);
    pg->faults_min = after.minflt - pg->before.minflt;
    pg->faults_maj = after.majflt - pg->before.majflt;
    /* What changed, page by page. */
    size_t n = pg->npages;
    int cached0 = 0, present0 = 0, cached1 = 0, present1 = 0;
    for (size_t p = 0; p < n; p++) {
        cached0 += pg->pages[p].cached == 1;
        present0 += pg->pages[p].present == 1;
    }
    playground_probe(pg);
    for (size_t p = 0; p < n; p++) {
        cached1 += pg->pages[p].cached == 1;
        present1 += pg->pages[p].present == 1;
    }
    pg->out.rss_file_after = pg->now.rss_file_kb;
    PUT_TR(e->change, "pages cached %d -> %d, mapped %d -> %d; RssFile %ld -> %ld kB; faults %ld minor, %ld major",
        cached0, cached1, present0, present1, pg->out.rss_file_before, pg->out.rss_file_after, pg->faults_min, pg->faults_maj);
}

/* --- scenario checks --- */

int playground_check(const struct playground *pg, const struct scn_expect *x, char *buf, size_t size)
{
    const struct pg_outcome *o = &pg->out;
    buf[0] = 0;
    switch (x->kind) {
    case EXP_FAULT: {
        int got = o->fault.signo == SIGBUS ? 1 : o->fault.signo == SIGSEGV ? 2 : 0;
        static const char *const names[] = { "no fault", "SIGBUS", "SIGSEGV" };
        snprintf(buf, size, "%s", names[got]);
        return got == x->value;
    }
    case EXP_CACHED:
    case EXP_MAPPED: {
        size_t bad = 0, first_bad = 0;
        for (long p = x->first; p < x->first + x->count && (size_t)p < pg->npages; p++) {
            const struct pg_page *pp = &pg->pages[p];
            int v = x->kind == EXP_CACHED ? pp->cached : pp->present;
            if (v == -1) {
                snprintf(buf, size, "%s", x->kind == EXP_CACHED ? "mincore failed" : "no pagemap");
                return 0;
            }
            if (v != x->value && !bad++) first_bad = (size_t)p;
        }
        if (bad)
            snprintf(buf, size, "%zu page(s) %s, first page %zu", bad,
                     x->kind == EXP_CACHED ? (x->value ? "not cached" : "cached") : (x->value ? "not mapped" : "mapped"), first_bad);
        return bad == 0;
    }
    case EXP_PARENT_SEES:
        snprintf(buf, size, "parent sees: %s", o->parent_sees < 0 ? "?" : o->parent_sees ? "yes" : "no");
        return o->parent_sees == x->value;
    case EXP_FILE_SEES:
        snprintf(buf, size, "file sees: %s", o->file_sees < 0 ? "?" : o->file_sees ? "yes" : "no");
        return o->file_sees == x->value;
    case EXP_RSS_FALLS:
        snprintf(buf, size, "RssFile %ld -> %ld kB", o->rss_file_before, o->rss_file_after);
        return (o->rss_file_after < o->rss_file_before) == x->value;
    }
    return 0;
}
