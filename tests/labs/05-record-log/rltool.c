/*
 * rltool: the lab 05 tests' own, independent implementation of the record
 * log format described in labs/05-record-log/README.md, plus the drivers the
 * tests need. It shares no code with the student's reclog.c.
 *
 *   rltool gen SEED N LONG          N random records, one per line (any byte
 *                                   but '\n', NULs included); about one in
 *                                   eight is up to LONG bytes, the rest < 100
 *   rltool list FILE                print the committed records, like
 *                                   `reclog list`; exit 1 with a reason
 *   rltool dump FILE                "count data_off end size" (end: where
 *                                   the next record goes), then one line
 *                                   "K start end" per committed record
 *                                   (end = start + 8 + length)
 *   rltool make FILE DATA_OFF TAIL  write a log of the lines on stdin with
 *                                   that data offset, followed by TAIL bytes
 *                                   of garbage (an interrupted append)
 *   rltool setcount FILE N          overwrite the header's commit count
 *   rltool poke FILE OFFSET         flip bits of one byte (damage)
 *   rltool crashcheck DIR N         check the power-cut samples powercut.so
 *                                   wrote; N = records the log must hold
 *   rltool kills SANDBOX PROG LOG RUNS SEED TMPDIR LONG
 *                                   RUNS times: run `PROG append LOG` in the
 *                                   sandbox, feed it records one at a time,
 *                                   SIGKILL it after a random number of
 *                                   acknowledged commits, check the log;
 *                                   every tenth run, `PROG list LOG` too
 *
 * Failures print one explanation on stdout and exit 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- small utilities ------------------------------------------------------ */

static pid_t running_sandbox; /* a sandbox to stop before exiting */
static int kill_program(pid_t sb);

static void die(const char *fmt, ...)
{
    if (running_sandbox > 0) {
        /* Stop the program and let its sandbox finish, so nothing is left
         * behind and the sandbox never writes to a closed pipe. */
        pid_t sb = running_sandbox;
        running_sandbox = 0;
        kill_program(sb);
        waitpid(sb, NULL, 0);
    }
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    exit(1);
}

static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}
static size_t rnd_below(size_t n) { return n ? (size_t)(rnd() % n) : 0; }

struct buf {
    unsigned char *p;
    size_t len, cap;
};

static void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        if (!b->p)
            die("rltool: out of memory");
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static struct buf slurp_fd(int fd)
{
    struct buf b = { 0 };
    unsigned char tmp[65536];
    for (;;) {
        ssize_t n = read(fd, tmp, sizeof tmp);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        buf_add(&b, tmp, (size_t)n);
    }
    return b;
}

static int slurp(const char *path, struct buf *b)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    *b = slurp_fd(fd);
    close(fd);
    return 0;
}

static void spit(const char *path, const void *p, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("rltool: cannot write %s: %s", path, strerror(errno));
    const unsigned char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w <= 0)
            die("rltool: write %s: %s", path, strerror(errno));
        c += w;
        n -= (size_t)w;
    }
    close(fd);
}

/* ---- the format ------------------------------------------------------------ */

static uint32_t rd32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }
static void wr32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> 8 * i); }
static void wr64(unsigned char *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (unsigned char)(v >> 8 * i); }

static uint32_t crc_table[256];
static uint32_t crc32(uint32_t crc, const unsigned char *p, size_t n)
{
    if (!crc_table[1])
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            crc_table[i] = c;
        }
    crc ^= 0xFFFFFFFFu;
    while (n--)
        crc = crc_table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

static uint32_t rec_crc(const unsigned char *lenfield, const unsigned char *payload, uint32_t len)
{
    return crc32(crc32(0, lenfield, 4), payload, len);
}

struct rec {
    size_t start; /* offset of the 8-byte record header */
    uint32_t len;
};

struct parsed {
    int ok;            /* header valid */
    uint64_t count;    /* header's count */
    uint32_t data_off;
    uint64_t intact;   /* leading records that are whole and verify */
    char why[200];     /* why intact < count, or why the header is bad */
    struct rec *recs;  /* the first `intact` records */
};

/* Walk up to N records from offset DOFF of an image; stop at the first one
 * that is not whole or fails its checksum. */
static void walk(struct parsed *r, const unsigned char *p, size_t size, uint32_t doff, uint64_t n,
                 const char *what)
{
    size_t off = doff;
    r->intact = 0;
    for (uint64_t k = 0; k < n; k++) {
        if (off > size || size - off < 8) {
            snprintf(r->why, sizeof r->why, "record %" PRIu64 " starts past the end of the %s (%zu bytes)", k + 1, what, size);
            return;
        }
        uint32_t len = rd32(p + off);
        if (len > size - off - 8) {
            snprintf(r->why, sizeof r->why, "record %" PRIu64 " (length %" PRIu32 ") runs past the end of the %s (%zu bytes)",
                     k + 1, len, what, size);
            return;
        }
        if (rec_crc(p + off, p + off + 8, len) != rd32(p + off + 4)) {
            snprintf(r->why, sizeof r->why, "record %" PRIu64 " at offset %zu fails its checksum in the %s", k + 1, off, what);
            return;
        }
        if (k % 1024 == 0) {
            r->recs = realloc(r->recs, (size_t)(k + 1024) * sizeof *r->recs);
            if (!r->recs)
                die("rltool: out of memory");
        }
        r->recs[k].start = off;
        r->recs[k].len = len;
        r->intact = k + 1;
        off = (off + 8 + len + 7) / 8 * 8;
    }
}

/* The header of an image; with WALK, also its committed records. */
static struct parsed parse(const unsigned char *p, size_t size, int do_walk)
{
    struct parsed r = { 0 };
    if (size < 24)
        snprintf(r.why, sizeof r.why, "header too short (%zu bytes)", size);
    else if (memcmp(p, "MMRECLOG", 8) != 0)
        snprintf(r.why, sizeof r.why, "bad magic");
    else if (rd32(p + 8) != 1)
        snprintf(r.why, sizeof r.why, "unsupported version %" PRIu32, rd32(p + 8));
    else if (rd32(p + 12) < 24 || rd32(p + 12) % 8 || rd32(p + 12) > size)
        snprintf(r.why, sizeof r.why, "bad data offset %" PRIu32, rd32(p + 12));
    else {
        r.ok = 1;
        r.count = rd64(p + 16);
        r.data_off = rd32(p + 12);
        if (do_walk)
            walk(&r, p, size, r.data_off, r.count, "file");
    }
    return r;
}

static struct buf listing(const unsigned char *p, const struct parsed *r)
{
    struct buf out = { 0 };
    for (uint64_t k = 0; k < r->intact; k++) {
        buf_add(&out, p + r->recs[k].start + 8, r->recs[k].len);
        buf_add(&out, "\n", 1);
    }
    return out;
}

/* ---- simple commands ------------------------------------------------------- */

static int cmd_gen(uint64_t seed, long n, long longmax)
{
    rng_state = seed * 2654435761u + 0x9E3779B97F4A7C15ULL;
    struct buf out = { 0 };
    for (long i = 0; i < n; i++) {
        size_t len = rnd_below(8) == 0 ? rnd_below((size_t)longmax + 1) : rnd_below(100);
        for (size_t j = 0; j < len; j++) {
            unsigned char c = (unsigned char)rnd_below(256);
            if (c == '\n')
                c = 'N';
            buf_add(&out, &c, 1);
        }
        buf_add(&out, "\n", 1);
    }
    fwrite(out.p, 1, out.len, stdout);
    return 0;
}

static int load_valid(const char *path, struct buf *b, struct parsed *r)
{
    if (slurp(path, b) != 0)
        die("rltool: %s: %s", path, strerror(errno));
    *r = parse(b->p, b->len, 1);
    if (!r->ok || r->intact < r->count)
        die("rltool: %s: %s", path, r->why);
    return 0;
}

static int cmd_list(const char *path)
{
    struct buf b;
    struct parsed r;
    load_valid(path, &b, &r);
    struct buf out = listing(b.p, &r);
    fwrite(out.p, 1, out.len, stdout);
    return 0;
}

static int cmd_dump(const char *path)
{
    struct buf b;
    struct parsed r;
    load_valid(path, &b, &r);
    size_t end = r.intact ? (r.recs[r.intact - 1].start + 8 + r.recs[r.intact - 1].len + 7) / 8 * 8 : r.data_off;
    printf("%" PRIu64 " %" PRIu32 " %zu %zu\n", r.count, r.data_off, end, b.len);
    for (uint64_t k = 0; k < r.intact; k++)
        printf("%" PRIu64 " %zu %zu\n", k + 1, r.recs[k].start, r.recs[k].start + 8 + r.recs[k].len);
    return 0;
}

static int cmd_make(const char *path, long doff, long tail)
{
    struct buf in = slurp_fd(0), out = { 0 };
    unsigned char zero[8] = { 0 };
    unsigned char h[24];
    memcpy(h, "MMRECLOG", 8);
    wr32(h + 8, 1);
    wr32(h + 12, (uint32_t)doff);
    buf_add(&out, h, 24);
    while (out.len < (size_t)doff)
        buf_add(&out, zero, 1);
    uint64_t n = 0;
    size_t i = 0;
    while (i < in.len) {
        unsigned char *nl = memchr(in.p + i, '\n', in.len - i);
        size_t len = nl ? (size_t)(nl - (in.p + i)) : in.len - i;
        unsigned char rh[8];
        wr32(rh, (uint32_t)len);
        wr32(rh + 4, rec_crc(rh, in.p + i, (uint32_t)len));
        buf_add(&out, rh, 8);
        buf_add(&out, in.p + i, len);
        while (out.len % 8)
            buf_add(&out, zero, 1);
        n++;
        i += len + 1;
    }
    for (long k = 0; k < tail; k++) {
        unsigned char g = (unsigned char)(0xA5 ^ k);
        buf_add(&out, &g, 1);
    }
    wr64(out.p + 16, n);
    spit(path, out.p, out.len);
    return 0;
}

static int cmd_setcount(const char *path, uint64_t n)
{
    struct buf b;
    if (slurp(path, &b) != 0 || b.len < 24)
        die("rltool: %s: cannot read the header", path);
    wr64(b.p + 16, n);
    spit(path, b.p, b.len);
    return 0;
}

static int cmd_poke(const char *path, size_t off)
{
    struct buf b;
    if (slurp(path, &b) != 0 || off >= b.len)
        die("rltool: %s: no byte at offset %zu", path, off);
    b.p[off] ^= 0x5A;
    spit(path, b.p, b.len);
    return 0;
}

/* ---- crashcheck ------------------------------------------------------------ */

static const char *lesson_why =
    "The kernel may write any dirty page to disk at any moment, the header page "
    "included, so a power cut at this instant could leave a commit count that "
    "covers records which are not on disk. Write the record, msync(MS_SYNC) the "
    "pages that hold it, and only then raise the count and msync the header page.";

static int cmd_crashcheck(const char *dir, uint64_t want)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/index", dir);
    FILE *ix = fopen(path, "r");
    if (!ix)
        die("the program never called msync on the log: nothing it wrote is known to be on disk.");
    char line[512], last_d[4096] = "";
    int samples = 0, saw_async = 0, saw_nosync = 0;
    while (fgets(line, sizeof line, ix)) {
        int n;
        char phase[16], what[400];
        if (sscanf(line, "%d %15s", &n, phase) != 2)
            continue;
        long long off = -1;
        unsigned long long len = 0;
        char flags[64] = "?";
        sscanf(line, "%*d %*s off=%lld len=%llu flags=%63s", &off, &len, flags);
        snprintf(what, sizeof what, "file offset %lld, length %llu, flags %s", off, len, flags);
        if (strstr(flags, "ASYNC"))
            saw_async = 1;
        if (!strstr(flags, "SYNC") || strstr(flags, "ASYNC"))
            saw_nosync = 1;
        samples++;
        struct buf c, d;
        snprintf(path, sizeof path, "%s/%05d.c", dir, n);
        if (slurp(path, &c) != 0)
            die("rltool: missing sample %s", path);
        snprintf(path, sizeof path, "%s/%05d.d", dir, n);
        if (slurp(path, &d) != 0)
            die("rltool: missing sample %s", path);
        snprintf(last_d, sizeof last_d, "%s", path);

        struct parsed pc = parse(c.p, c.len, 0), pd = parse(d.p, d.len, 0);
        uint64_t claimed = pc.ok ? pc.count : 0;
        if (pd.ok && pd.count > claimed)
            claimed = pd.count;
        if (claimed == 0) {
            free(c.p);
            free(d.p);
            continue;
        }
        /* The worst case a power cut can leave: the largest count either
         * copy of the header holds (the kernel may write the header page at
         * any time), over the records only the disk image holds. */
        struct parsed on_disk = { 0 };
        walk(&on_disk, d.p, d.len, pc.ok ? pc.data_off : pd.data_off, claimed, "data known to be on disk");
        if (on_disk.intact < claimed) {
            printf("power-cut model: at the %s of msync call %d (%s),\n"
                   "the header %s counts %" PRIu64 " committed records, but only %" PRIu64
                   " of them are whole on disk: %s.\n%s\n",
                   phase, (n + 1) / 2, what, pc.ok && pc.count == claimed ? "in memory" : "on disk",
                   claimed, on_disk.intact, on_disk.why, lesson_why);
            if (saw_async)
                printf("Note: MS_ASYNC does nothing on Linux (a no-op since 2.6.19): it writes nothing "
                       "and waits for nothing. Use MS_SYNC.\n");
            return 1;
        }
        free(c.p);
        free(d.p);
    }
    fclose(ix);
    if (!samples)
        die("the program never called msync on the log: nothing it wrote is known to be on disk.");
    struct buf d;
    slurp(last_d, &d);
    struct parsed pd = parse(d.p, d.len, 1);
    if (!pd.ok || pd.count != want || pd.intact < want) {
        printf("power-cut model: after the last msync the disk holds %s%" PRIu64
               " committed records%s, but %" PRIu64 " were appended and acknowledged.\n"
               "Every commit must end with msync(MS_SYNC) of the header page: until then the new "
               "count is only in memory and a power cut loses it.\n",
               pd.ok ? "" : "no valid header and ", pd.ok ? pd.count : 0,
               pd.ok && pd.intact < pd.count ? " (some of them damaged)" : "", want);
        if (saw_async || saw_nosync)
            printf("Some msync calls did not use MS_SYNC. MS_ASYNC does nothing on Linux (a no-op "
                   "since 2.6.19): the pages wait for normal writeback, about 30 s.\n");
        return 1;
    }
    printf("%d samples checked\n", samples);
    return 0;
}

/* ---- kills ----------------------------------------------------------------- */

struct run_result {
    char how[32];
    int exit_code;
    char signal[32];
};

static struct run_result read_report(const char *path)
{
    struct run_result r = { "", -1, "" };
    FILE *f = fopen(path, "r");
    if (!f)
        return r;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!strncmp(line, "how=", 4)) snprintf(r.how, sizeof r.how, "%.31s", line + 4);
        if (!strncmp(line, "exit=", 5)) r.exit_code = atoi(line + 5);
        if (!strncmp(line, "signal=", 7)) snprintf(r.signal, sizeof r.signal, "%.31s", line + 7);
    }
    fclose(f);
    return r;
}

/* The first child of the sandbox (the program), or 0. */
static pid_t child_of(pid_t sb)
{
    char p[96];
    snprintf(p, sizeof p, "/proc/%d/task/%d/children", (int)sb, (int)sb);
    FILE *f = fopen(p, "r");
    if (!f)
        return 0;
    int c = 0;
    if (fscanf(f, "%d", &c) != 1)
        c = 0;
    fclose(f);
    return c;
}

static pid_t parent_of(pid_t pid)
{
    char p[64], buf[512];
    snprintf(p, sizeof p, "/proc/%d/stat", (int)pid);
    int fd = open(p, O_RDONLY);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *rp = strrchr(buf, ')');
    int pp = 0;
    if (!rp || sscanf(rp + 2, "%*c %d", &pp) != 1)
        return 0;
    return pp;
}

/* SIGKILL the sandbox's child through a pidfd, so a recycled pid can never be
 * hit. Returns 1 if a kill was sent, 0 if the program was already gone. */
static int kill_program(pid_t sb)
{
    pid_t pid = child_of(sb);
    if (pid <= 0)
        return 0;
    int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0) {
        /* No pidfd (Linux < 5.3): the parent check narrows the race to
         * nothing a test run will ever meet. */
        return errno == ENOSYS && parent_of(pid) == sb && kill(pid, SIGKILL) == 0;
    }
    int sent = 0;
    if (parent_of(pid) == sb && syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0) == 0)
        sent = 1;
    close(pfd);
    return sent;
}

static void stderr_check(const char *path, const char *what)
{
    struct buf e;
    if (slurp(path, &e) != 0 || e.len == 0)
        return;
    buf_add(&e, "", 1);
    if (strstr((char *)e.p, "Sanitizer") || strstr((char *)e.p, "runtime error:"))
        die("the sanitizers found a bug while running %s:\n%.3000s", what, (char *)e.p);
}

/* Start SANDBOX running PROG (argv) with these files; returns its pid. */
static pid_t spawn(const char *sandbox, const char *tmp, const char *in, const char *out,
                   const char *err, const char *rep, char *const *prog)
{
    pid_t pid = fork();
    if (pid < 0)
        die("rltool: fork: %s", strerror(errno));
    if (pid == 0) {
        char *argv[32];
        int i = 0;
        argv[i++] = (char *)sandbox;
        argv[i++] = "--timeout";
        argv[i++] = "60";
        argv[i++] = "--dir";
        argv[i++] = (char *)tmp;
        argv[i++] = "--stdin";
        argv[i++] = (char *)in;
        argv[i++] = "--stdout";
        argv[i++] = (char *)out;
        argv[i++] = "--stderr";
        argv[i++] = (char *)err;
        argv[i++] = "--report";
        argv[i++] = (char *)rep;
        argv[i++] = "--";
        for (int k = 0; prog[k]; k++)
            argv[i++] = prog[k];
        argv[i] = NULL;
        execv(sandbox, argv);
        _exit(127);
    }
    return pid;
}

/* Run PROG list LOG in the sandbox; it must print exactly WANT. */
static void check_list(const char *sandbox, const char *prog, const char *log, const char *tmp,
                       long run, const struct buf *want, uint64_t count)
{
    char out_path[4096], err_path[4096], rep_path[4096];
    snprintf(out_path, sizeof out_path, "%s/list.out", tmp);
    snprintf(err_path, sizeof err_path, "%s/list.err", tmp);
    snprintf(rep_path, sizeof rep_path, "%s/list.report", tmp);
    char *argv[] = { (char *)prog, "list", (char *)log, NULL };
    pid_t pid = spawn(sandbox, tmp, "/dev/null", out_path, err_path, rep_path, argv);
    int st;
    waitpid(pid, &st, 0);
    stderr_check(err_path, "reclog list");
    struct run_result rr = read_report(rep_path);
    if (strcmp(rr.how, "exited") || rr.exit_code != 0) {
        struct buf e = { 0 };
        slurp(err_path, &e);
        buf_add(&e, "", 1);
        die("run %ld: after the kill, reclog list ended with how=%s exit=%d %s; its stderr: %.1500s",
            run, rr.how, rr.exit_code, rr.signal, (char *)e.p);
    }
    struct buf out = { 0 };
    slurp(out_path, &out);
    if (out.len != want->len || (want->len && memcmp(out.p, want->p, want->len) != 0))
        die("run %ld: after the kill, reclog list printed %zu bytes; the %" PRIu64
            " committed records make %zu bytes%s",
            run, out.len, count, want->len, out.len == want->len ? ", and they differ" : "");
    free(out.p);
}

#define LIST_EVERY 10

/* Write all N bytes to a pipe; 0, or -1 if the reader is gone. */
static int feed(int fd, const unsigned char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Acknowledgements arrive one line at a time on FD. */
struct acks {
    int fd;
    char line[64];
    size_t len;
    uint64_t last; /* the last acknowledged count */
    size_t seen;
};

#define ACK_WAIT_MS 30000

/* Read one acknowledgement. Returns 1, or 0 at end of file. WAIT: wait at
 * most ACK_WAIT_MS (a writer that is alive but silent fails the test), else
 * only take what is already there (-1 if nothing). */
static int next_ack(struct acks *a, long run, int wait)
{
    for (;;) {
        struct pollfd pf = { a->fd, POLLIN, 0 };
        int pr = poll(&pf, 1, wait ? ACK_WAIT_MS : -1);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr == 0)
            die("run %ld: reclog append acknowledged nothing for %d s after record %" PRIu64
                " was on its input. Print the new count after each commit and fflush(stdout): "
                "a buffered acknowledgement is a promise nobody hears.",
                run, ACK_WAIT_MS / 1000, a->last + 1);
        char c;
        ssize_t n = read(a->fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return 0;
        if (c != '\n') {
            if (a->len < sizeof a->line - 1)
                a->line[a->len++] = c;
            continue;
        }
        a->line[a->len] = 0;
        a->len = 0;
        char *end;
        errno = 0;
        unsigned long long v = strtoull(a->line, &end, 10);
        if (errno || end == a->line || *end || v != a->last + 1)
            die("run %ld: append printed \"%s\" but the next acknowledgement had to be %" PRIu64
                " (the log's new record count after each commit)",
                run, a->line, a->last + 1);
        a->last = v;
        a->seen++;
        return 1;
    }
}

static void sleep_us(long us)
{
    struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* RUNS times: start `PROG append LOG` with its standard input a pipe we
 * feed one record at a time, wait for each acknowledgement, and at a random
 * point SIGKILL it:
 *   mode 0: right after handing it the next whole record (plus a random
 *           delay): the kill lands while it works on that record, or just
 *           after, while it waits for more input;
 *   mode 1: after handing it only part of the next line: that record must
 *           not be committed (the line is not complete);
 *   mode 2: after handing it all the rest and closing its input (plus a
 *           random delay): it may well finish first, and must then have
 *           acknowledged everything.
 * The writer never exits on its own in modes 0 and 1: it waits for input.
 * Where exactly the kill lands depends on timing; nothing checked does. */
static int cmd_kills(const char *sandbox, const char *prog, const char *log, long runs,
                     uint64_t seed, const char *tmp, long longmax)
{
    rng_state = seed * 0x9E3779B97F4A7C15ULL + 12345;
    signal(SIGPIPE, SIG_IGN);
    struct buf lb;
    struct parsed lr;
    load_valid(log, &lb, &lr);
    struct buf expected = listing(lb.p, &lr); /* what list must print */
    uint64_t count = lr.count;
    free(lb.p);
    free(lr.recs);

    char err_path[4096], rep_path[4096];
    snprintf(err_path, sizeof err_path, "%s/append.err", tmp);
    snprintf(rep_path, sizeof rep_path, "%s/append.report", tmp);

    long killed = 0, finished = 0, mid = 0;
    for (long run = 1; run <= runs; run++) {
        /* A batch of 2..4 random records. */
        size_t nb = 2 + rnd_below(3);
        struct buf batch = { 0 };
        size_t blen[8], boff[8];
        for (size_t i = 0; i < nb; i++) {
            size_t len = rnd_below(6) == 0 ? rnd_below((size_t)longmax + 1) : rnd_below(60);
            boff[i] = batch.len;
            blen[i] = len;
            for (size_t j = 0; j < len; j++) {
                unsigned char c = (unsigned char)rnd_below(256);
                if (c == '\n')
                    c = '#';
                buf_add(&batch, &c, 1);
            }
            buf_add(&batch, "\n", 1);
        }
        size_t wait_acks = rnd_below(nb); /* whole records before the kill */
        int mode = (int)rnd_below(4);
        if (mode == 3)
            mode = 0;
        long delay_us = rnd_below(4) ? (long)rnd_below(wait_acks ? 1500 : 5000) : 0;

        /* in[]: its standard input; out[]: its acknowledgements. Only the
         * ends the sandbox needs survive exec. */
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
            die("rltool: pipe: %s", strerror(errno));
        fcntl(in[0], F_SETFD, 0);
        fcntl(out[1], F_SETFD, 0);
        char in_path[32], out_path[32];
        snprintf(in_path, sizeof in_path, "/dev/fd/%d", in[0]);
        snprintf(out_path, sizeof out_path, "/dev/fd/%d", out[1]);
        char *argv[] = { (char *)prog, "append", (char *)log, NULL };
        pid_t sb = spawn(sandbox, tmp, in_path, out_path, err_path, rep_path, argv);
        running_sandbox = sb;
        close(in[0]);
        close(out[1]);

        struct acks ak = { .fd = out[0], .last = count };
        size_t given = 0; /* whole records handed over */
        int input_open = 1;
        for (size_t i = 0; i < wait_acks; i++) {
            if (feed(in[1], batch.p + boff[i], blen[i] + 1) != 0 || next_ack(&ak, run, 1) != 1)
                break; /* it died: the checks below say how */
            given++;
        }
        if (given == wait_acks) {
            size_t rest = batch.len - boff[given];
            if (mode == 0 && feed(in[1], batch.p + boff[given], blen[given] + 1) == 0)
                given++;
            else if (mode == 1)
                feed(in[1], batch.p + boff[given], rnd_below(blen[given] + 1));
            else if (mode == 2 && feed(in[1], batch.p + boff[given], rest) == 0)
                given = nb;
            if (mode == 2) {
                close(in[1]);
                input_open = 0;
            }
            if (delay_us)
                sleep_us(delay_us);
        }

        /* Kill it (once it exists), unless the sandbox is already done. */
        int kill_sent = 0, sb_status, sb_reaped = 0;
        for (;;) {
            if ((kill_sent = kill_program(sb)))
                break;
            if (waitpid(sb, &sb_status, WNOHANG) == sb) {
                sb_reaped = 1;
                running_sandbox = 0;
                break;
            }
            sleep_us(100);
        }
        if (input_open)
            close(in[1]);
        while (next_ack(&ak, run, 0) == 1) {
        }
        close(out[0]);
        if (!sb_reaped)
            waitpid(sb, &sb_status, 0);
        running_sandbox = 0;

        struct run_result rr = read_report(rep_path);
        stderr_check(err_path, "reclog append");
        int was_killed = !strcmp(rr.how, "signaled") && !strcmp(rr.signal, "SIGKILL");
        int exited_ok = !strcmp(rr.how, "exited") && rr.exit_code == 0;
        if (!(was_killed && kill_sent) && !(exited_ok && mode == 2)) {
            struct buf e = { 0 };
            slurp(err_path, &e);
            buf_add(&e, "", 1);
            die("run %ld: reclog append ended with how=%s exit=%d %s after acknowledging %zu records "
                "(expected it to wait for more input until the test's SIGKILL); its stderr: %.1500s",
                run, rr.how, rr.exit_code, rr.signal, ak.seen, (char *)e.p);
        }
        if (exited_ok && ak.seen != nb)
            die("run %ld: reclog append exited 0 after acknowledging %zu of the %zu records it was given "
                "(it must print the new count after each commit)", run, ak.seen, nb);
        if (was_killed) {
            killed++;
            if (ak.seen < given)
                mid++;
        } else {
            finished++;
        }

        /* The log: valid, every acknowledged record there, the old records
         * unchanged, and the new ones a prefix of what it was given. */
        const char *how = was_killed ? "killed" : "finished";
        struct buf b;
        if (slurp(log, &b) != 0)
            die("run %ld: cannot read the log: %s", run, strerror(errno));
        struct parsed r = parse(b.p, b.len, 1);
        if (!r.ok || r.intact < r.count)
            die("run %ld (%s after %zu acknowledged commits): the log is damaged: %s.\n"
                "A record must be whole before the count covers it, even in memory.",
                run, how, ak.seen, r.why);
        if (r.count < ak.last)
            die("run %ld: reclog acknowledged record %" PRIu64 " but after the kill the log counts only %" PRIu64,
                run, ak.last, r.count);
        if (r.count > count + given)
            die("run %ld (%s): the log counted %" PRIu64 " records before this run and %" PRIu64
                " after it, but only %zu complete lines were given%s",
                run, how, count, r.count, given,
                mode == 1 ? " (the last line was cut short: it is not a record yet)" : "");
        struct buf got = listing(b.p, &r);
        struct buf want = { 0 };
        buf_add(&want, expected.p, expected.len);
        for (uint64_t k = 0; k < r.count - count; k++) {
            buf_add(&want, batch.p + boff[k], blen[k]);
            buf_add(&want, "\n", 1);
        }
        if (got.len != want.len || memcmp(got.p, want.p, got.len) != 0)
            die("run %ld: the committed records are not the ones appended, in order "
                "(the log has %" PRIu64 " records; %s after %zu acknowledgements)",
                run, r.count, how, ak.seen);

        /* The student's reader must agree (every LIST_EVERY runs and at the
         * end, to keep the test quick; rltool checked every run above). */
        if (run % LIST_EVERY == 0 || run == runs)
            check_list(sandbox, prog, log, tmp, run, &want, r.count);

        free(expected.p);
        expected = want;
        count = r.count;
        free(got.p);
        free(b.p);
        free(r.recs);
        free(batch.p);
    }
    free(expected.p);
    printf("%ld runs: %ld killed (%ld before acknowledging all they were given), %ld finished; %" PRIu64
           " records committed\n",
           runs, killed, mid, finished, count);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "gen"))
        return cmd_gen(strtoull(argv[2], NULL, 10), atol(argv[3]), atol(argv[4]));
    if (argc == 3 && !strcmp(argv[1], "list"))
        return cmd_list(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "dump"))
        return cmd_dump(argv[2]);
    if (argc == 5 && !strcmp(argv[1], "make"))
        return cmd_make(argv[2], atol(argv[3]), atol(argv[4]));
    if (argc == 4 && !strcmp(argv[1], "setcount"))
        return cmd_setcount(argv[2], strtoull(argv[3], NULL, 10));
    if (argc == 4 && !strcmp(argv[1], "poke"))
        return cmd_poke(argv[2], strtoull(argv[3], NULL, 10));
    if (argc == 4 && !strcmp(argv[1], "crashcheck"))
        return cmd_crashcheck(argv[2], strtoull(argv[3], NULL, 10));
    if (argc == 9 && !strcmp(argv[1], "kills"))
        return cmd_kills(argv[2], argv[3], argv[4], atol(argv[5]), strtoull(argv[6], NULL, 10),
                         argv[7], atol(argv[8]));
    fprintf(stderr, "rltool: bad arguments (see the comment at the top of rltool.c)\n");
    return 2;
}
