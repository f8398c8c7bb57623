/*
 * mapsum - print the FNV-1a 64 checksum of a file read through a read-only
 * mapping, and survive the file being truncated under it.
 *
 * Reference solution for lab 04-survive-truncation (lesson 07-sigbus).
 *
 *   mapsum [--pause-at OFFSET READY GO] [--fault-outside OTHER] FILE
 *
 * The lesson in one paragraph: a load from a mapped page that is no longer
 * backed by the file (another process truncated it) cannot return an error
 * code, so the kernel sends SIGBUS. We catch it with a SA_SIGINFO handler,
 * make sure the faulting address is in OUR mapping and that we are inside
 * the one loop that reads it, and jump out of the loop with siglongjmp. The
 * loop then reports how far it got. A SIGBUS anywhere else is a real bug:
 * the handler puts the default action back and re-raises, so the process
 * dies exactly as if it had no handler.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

#include "mapsum_common.h"

/* State shared with the handler. Everything the handler reads or writes is
 * volatile (and the flag sig_atomic_t) so the compiler neither caches it in
 * a register nor drops a store it thinks nobody reads. */
static sigjmp_buf recover;                /* where a caught fault resumes */
static volatile sig_atomic_t armed;       /* 1 only while guarded_scan reads */
static volatile uintptr_t map_lo, map_hi; /* [lo, hi): the mapping we guard */
static volatile uintptr_t fault_addr;     /* si_addr of the fault we caught */

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    /* Compare as integers: ordering two pointers into different objects is
     * undefined in C, and si_addr may point anywhere. */
    uintptr_t a = (uintptr_t)si->si_addr;

    if (armed && a >= map_lo && a < map_hi) {
        /* Ours: a page of FILE vanished while we were reading it. Returning
         * would re-run the load, which would fault again forever, so we
         * abandon it. */
        fault_addr = a;
        armed = 0;
        siglongjmp(recover, 1);
    }
    /* Not ours: another mapping, or our mapping touched outside the guarded
     * loop. That is a bug, and it must look like one. With the default action
     * back in place, the raised signal stays pending (SIGBUS is blocked while
     * its handler runs) and kills the process as soon as we return. Both
     * calls are async-signal-safe. */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Checksum bytes [*done, size) of the mapping at base, updating *hash and
 * *done after every byte. Returns 0 at the end, or -1 if a SIGBUS inside
 * the mapping stopped it; then *hash covers exactly the first *done bytes.
 *
 * Why volatile everywhere here: after siglongjmp, automatic variables that
 * changed since sigsetjmp have indeterminate values (C11 7.13.2.1), and the
 * compiler may reorder ordinary loads and stores around each other. Reading
 * the mapping through a volatile pointer and storing the progress through
 * volatile pointers keeps them in program order: byte i is loaded (and may
 * fault) strictly after the progress for bytes [0, i) has been stored. */
static int guarded_scan(const volatile unsigned char *base, size_t size,
                        const struct mapsum_opts *o,
                        volatile uint64_t *hash, volatile size_t *done)
{
    /* 1: also save the signal mask. The jump leaves the handler without the
     * normal return that would unblock SIGBUS; restoring the saved mask
     * unblocks it, so a later fault is delivered instead of killing us. */
    if (sigsetjmp(recover, 1) != 0)
        return -1;

    armed = 1;
    atomic_signal_fence(memory_order_seq_cst); /* nothing moves above this */
    for (size_t i = *done; i < size; i++) {
        checkpoint(o, i); /* the test's hook: may pause, may fault elsewhere */
        *hash = fnv1a64_step(*hash, base[i]);
        *done = i + 1;
    }
    checkpoint(o, size);
    atomic_signal_fence(memory_order_seq_cst); /* ...nor below this */
    armed = 0;
    return 0;
}

/* The file shrank: say so with the numbers, including the size now. */
static void report_shrank(const char *name, size_t done, size_t size, int fd)
{
    struct stat st;
    if (fstat(fd, &st) == 0)
        fprintf(stderr,
                "mapsum: %s: file shrank while reading: stopped at byte %zu of %zu"
                " (now %lld bytes)\n",
                name, done, size, (long long)st.st_size);
    else
        fprintf(stderr, "mapsum: %s: file shrank while reading: stopped at byte %zu of %zu\n",
                name, done, size);
}

int main(int argc, char **argv)
{
    struct mapsum_opts opt;
    parse_options(argc, argv, "mapsum", &opt);

    /* Install the handler before the mapping exists: there is no moment at
     * which a truncation could catch us unprotected. An empty sa_mask and no
     * SA_NODEFER: only SIGBUS itself is blocked while the handler runs. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGBUS, &sa, NULL) != 0) {
        perror("mapsum: sigaction");
        return 1;
    }

    int fd = open(opt.file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "mapsum: %s: %s\n", opt.file, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "mapsum: %s: %s\n", opt.file, strerror(errno));
        close(fd);
        return 1;
    }
    if (!S_ISREG(st.st_mode)) {
        fprintf(stderr, "mapsum: %s: %s\n", opt.file,
                strerror(S_ISDIR(st.st_mode) ? EISDIR : EINVAL));
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;

    /* mmap refuses length 0, and there is nothing to read: the loop below
     * runs zero times on a NULL base. */
    const volatile unsigned char *base = NULL;
    if (size > 0) {
        /* PROT_READ: we only read. MAP_SHARED or MAP_PRIVATE makes no
         * difference here; truncation hits both the same way. */
        void *p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) {
            fprintf(stderr, "mapsum: %s: %s\n", opt.file, strerror(errno));
            close(fd);
            return 1;
        }
        base = p;
        map_lo = (uintptr_t)p;
        map_hi = (uintptr_t)p + size;
    }

    volatile uint64_t hash = FNV1A64_BASIS;
    volatile size_t done = 0;
    int shrank = guarded_scan(base, size, &opt, &hash, &done) != 0;

    if (shrank && fault_addr != map_lo + done) {
        /* Cannot happen with the volatile loop above; worth saying if a
         * change ever breaks that guarantee. */
        fprintf(stderr, "mapsum: internal error: fault at byte %zu, progress %zu\n",
                (size_t)(fault_addr - map_lo), (size_t)done);
    }

    print_sum(hash, done);
    if (shrank)
        report_shrank(opt.file, done, size, fd);

    /* The range is no longer guarded: forget it before it is unmapped, so a
     * recycled address can never be taken for ours. */
    map_lo = map_hi = 0;
    if (size > 0 && munmap((void *)(uintptr_t)base, size) != 0) {
        fprintf(stderr, "mapsum: munmap: %s\n", strerror(errno));
        close(fd);
        return 1;
    }
    close(fd);
    return shrank ? 3 : 0;
}
