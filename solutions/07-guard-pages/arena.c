/*
 * arena - fixed-size buffers that each end against a PROT_NONE guard page,
 * and a table that can be frozen read-only, driven by a script on stdin.
 *
 * Reference solution for lab 07-guard-pages (lesson 10-mprotect).
 *
 *   arena BUFSIZE COUNT < SCRIPT
 *
 * The lesson in one paragraph: memory protection works on whole pages, so
 * a guard can only catch an overflow at the first wrong byte if the buffer
 * ENDS exactly where a page boundary, and the guard, begins. With BUFSIZE
 * not a multiple of the page size that means padding at the START of each
 * slot, not at its end. Everything else is mprotect: PROT_NONE for the
 * guards, PROT_READ to freeze the table, and its rule that the address must
 * be page-aligned (EINVAL otherwise), which freeze-at lets you meet.
 *
 *   region (one mmap, COUNT slots of stride = slot + page bytes):
 *
 *   | pad | buffer 0 (BUFSIZE) | guard 0 | pad | buffer 1 | guard 1 | ...
 *   |<------ slot (BUFSIZE rounded up) ->|<page>|
 *          ^ buffer 0 = guard 0 - BUFSIZE        ^ page-aligned
 */
#define _GNU_SOURCE

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define TABLE_PAGES 2 /* the table is two pages of uint64_t entries */
#define MAX_COUNT 1000

struct arena {
    size_t page;           /* sysconf(_SC_PAGESIZE) */
    size_t bufsize;        /* BUFSIZE: usable bytes per buffer */
    size_t count;          /* COUNT: number of buffers */
    size_t slot;           /* bufsize rounded up to whole pages */
    unsigned char *region; /* COUNT * (slot + page) bytes, one mapping */
    size_t region_len;
    unsigned char *table;  /* TABLE_PAGES pages, its own mapping */
    size_t table_len;
};

/* ---- The part this lab is about ------------------------------------- */

/* Map the buffers with their guards, and the table. Returns 0, or -1 with
 * errno set and nothing left mapped. */
static int arena_create(struct arena *a)
{
    long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0)
        return -1;
    a->page = (size_t)ps;

    /* Round up without overflowing: bufsize is limited by the parser, so
     * bufsize + page - 1 cannot wrap. Division works for any page size, not
     * only powers of two. */
    a->slot = (a->bufsize + a->page - 1) / a->page * a->page;
    size_t stride = a->slot + a->page;
    if (a->count > SIZE_MAX / stride) {
        errno = ENOMEM;
        return -1;
    }
    a->region_len = a->count * stride;

    /* One mapping for all slots: mmap returns a page-aligned address, so
     * every slot start, and every guard start, is page-aligned too.
     * Anonymous memory starts zero-filled. */
    void *r = mmap(NULL, a->region_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (r == MAP_FAILED)
        return -1;
    a->region = r;

    /* The guard is the page right after each slot. Taking away every
     * permission splits the mapping into 2 * COUNT VMAs; one call per
     * guard, each with a page-aligned address as mprotect requires. */
    for (size_t i = 0; i < a->count; i++) {
        unsigned char *guard = a->region + i * stride + a->slot;
        if (mprotect(guard, a->page, PROT_NONE) != 0) {
            int err = errno;
            munmap(a->region, a->region_len);
            a->region = NULL;
            errno = err;
            return -1;
        }
    }

    /* The table gets pages of its own, so freezing it protects exactly the
     * table and nothing that happens to share a page with it. */
    a->table_len = TABLE_PAGES * a->page;
    void *t = mmap(NULL, a->table_len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (t == MAP_FAILED) {
        int err = errno;
        munmap(a->region, a->region_len);
        a->region = NULL;
        errno = err;
        return -1;
    }
    a->table = t;
    return 0;
}

/* First usable byte of buffer i: BUFSIZE bytes before its guard, so that
 * buffer[BUFSIZE] is the guard's first byte. The padding (slot - BUFSIZE
 * bytes) is in front of the buffer, where an overflow never goes. */
static unsigned char *buffer_at(const struct arena *a, size_t i)
{
    return a->region + i * (a->slot + a->page) + a->slot - a->bufsize;
}

/* Make the table read-only from byte offset on. The address goes to
 * mprotect as it is: page-aligned works, anything else is EINVAL, which is
 * mprotect's rule to report, not ours to paper over by rounding. */
static int table_freeze_at(struct arena *a, size_t offset)
{
    return mprotect(a->table + offset, a->table_len - offset, PROT_READ);
}

static void arena_destroy(struct arena *a)
{
    /* munmap does not care about protections: PROT_NONE and PROT_READ pages
     * go away like the others. */
    if (a->region != NULL)
        munmap(a->region, a->region_len);
    if (a->table != NULL)
        munmap(a->table, a->table_len);
    a->region = a->table = NULL;
}

/* ---- Provided plumbing: the fault reporter ---------------------------- */

/* Async-signal-safe output: write(2) only. */
static void say(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* Report a SIGSEGV (si_code and si_addr) and let the process die of it:
 * SA_RESETHAND put the default action back before this ran, so returning
 * re-runs the faulting access, which now kills the process by SIGSEGV. */
static void on_segv(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)ctx;
    char hex[2 + 2 * sizeof(uintptr_t) + 1];
    uintptr_t v = (uintptr_t)si->si_addr;
    char *p = hex + sizeof hex;
    *--p = '\0';
    do {
        *--p = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    *--p = 'x';
    *--p = '0';
    say("arena: SIGSEGV (");
    say(si->si_code == SEGV_ACCERR ? "SEGV_ACCERR" :
        si->si_code == SEGV_MAPERR ? "SEGV_MAPERR" : "other si_code");
    say(") at ");
    say(p);
    say("\n");
}

/* ---- Provided plumbing: numbers, the script ---------------------------- */

/* Digits only, must fit in 64 bits and be at most max. */
static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (s == NULL || *s == '\0')
        return -1;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/* Byte loops through volatile pointers, in increasing address order: an
 * overrun touches the first byte past the buffer before any other, so the
 * fault address is exactly that byte (memset could store the tail first). */
static void store_bytes(unsigned char *dst, size_t len, unsigned char byte)
{
    volatile unsigned char *p = dst;
    for (size_t k = 0; k < len; k++)
        p[k] = byte;
}

static void print_bytes(const unsigned char *src, size_t len)
{
    const volatile unsigned char *p = src;
    for (size_t k = 0; k < len; k++)
        printf("%02x", p[k]);
    putchar('\n');
}

static int bad_line(unsigned long line, const char *why)
{
    fprintf(stderr, "arena: line %lu: %s\n", line, why);
    return 2;
}

/* Run the script on stdin. Returns the exit status. */
static int run_script(struct arena *a)
{
    char text[512];
    unsigned long line = 0;
    size_t entries = a->table_len / sizeof(uint64_t);

    while (fgets(text, sizeof text, stdin) != NULL) {
        line++;
        if (strchr(text, '\n') == NULL && !feof(stdin))
            return bad_line(line, "line too long");

        char *w[6];
        int n = 0;
        char *save = NULL;
        for (char *tok = strtok_r(text, " \t\r\n", &save); tok != NULL;
             tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (n == 6)
                return bad_line(line, "too many words");
            w[n++] = tok;
        }
        if (n == 0 || w[0][0] == '#')
            continue;

        uint64_t i, off, len, val;
        const char *cmd = w[0];
        if (strcmp(cmd, "write") == 0 && n == 5) {
            if (parse_num(w[1], a->count - 1, &i) || parse_num(w[2], a->bufsize, &off) ||
                parse_num(w[3], a->bufsize + a->page, &len) || parse_num(w[4], 255, &val))
                return bad_line(line, "usage: write I OFFSET LEN BYTE");
            store_bytes(buffer_at(a, (size_t)i) + off, (size_t)len, (unsigned char)val);
        } else if (strcmp(cmd, "read") == 0 && n == 4) {
            if (parse_num(w[1], a->count - 1, &i) || parse_num(w[2], a->bufsize, &off) ||
                parse_num(w[3], a->bufsize + a->page, &len))
                return bad_line(line, "usage: read I OFFSET LEN");
            print_bytes(buffer_at(a, (size_t)i) + off, (size_t)len);
        } else if (strcmp(cmd, "set") == 0 && n == 3) {
            if (parse_num(w[1], entries - 1, &i) || parse_num(w[2], UINT64_MAX, &val))
                return bad_line(line, "usage: set KEY VALUE");
            ((volatile uint64_t *)(void *)a->table)[i] = val;
        } else if (strcmp(cmd, "get") == 0 && n == 2) {
            if (parse_num(w[1], entries - 1, &i))
                return bad_line(line, "usage: get KEY");
            printf("%" PRIu64 "\n", ((volatile uint64_t *)(void *)a->table)[i]);
        } else if (strcmp(cmd, "freeze") == 0 && n == 1) {
            if (table_freeze_at(a, 0) != 0) {
                fprintf(stderr, "arena: freeze: mprotect: %s\n", strerror(errno));
                return 3;
            }
        } else if (strcmp(cmd, "freeze-at") == 0 && n == 2) {
            if (parse_num(w[1], a->table_len - 1, &off))
                return bad_line(line, "usage: freeze-at OFFSET");
            if (table_freeze_at(a, (size_t)off) != 0) {
                fprintf(stderr, "arena: freeze-at %" PRIu64 ": mprotect: %s\n", off,
                        strerror(errno));
                return 3;
            }
        } else {
            return bad_line(line, "unknown command or wrong number of words");
        }
    }
    if (ferror(stdin)) {
        perror("arena: stdin");
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: arena BUFSIZE COUNT < SCRIPT\n");
        return 2;
    }
    struct arena a = { 0 };
    uint64_t v;
    if (parse_num(argv[1], (uint64_t)1 << 30, &v) != 0 || v == 0) {
        fprintf(stderr, "arena: invalid BUFSIZE '%s'\n", argv[1]);
        return 2;
    }
    a.bufsize = (size_t)v;
    if (parse_num(argv[2], MAX_COUNT, &v) != 0 || v == 0) {
        fprintf(stderr, "arena: invalid COUNT '%s'\n", argv[2]);
        return 2;
    }
    a.count = (size_t)v;

    /* Every line reaches stdout before the next command runs, so a crash
     * loses no output. */
    setvbuf(stdout, NULL, _IOLBF, 0);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGSEGV, &sa, NULL) != 0) {
        perror("arena: sigaction");
        return 1;
    }

    if (arena_create(&a) != 0) {
        fprintf(stderr, "arena: setup: %s\n", strerror(errno));
        return 1;
    }

    printf("page %zu\n", a.page);
    printf("table 0x%" PRIxPTR " %zu\n", (uintptr_t)a.table, a.table_len / sizeof(uint64_t));
    for (size_t i = 0; i < a.count; i++)
        printf("buffer %zu 0x%" PRIxPTR "\n", i, (uintptr_t)buffer_at(&a, i));

    int status = run_script(&a);
    arena_destroy(&a);
    return status;
}
