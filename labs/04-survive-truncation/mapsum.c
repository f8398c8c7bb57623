/*
 * mapsum - print the FNV-1a 64 checksum of a file read through a read-only
 * mapping, and survive the file being truncated under it.
 *
 * Lab 04-survive-truncation. Read README.md first; the lesson is
 * lessons/en/07-sigbus.md (section "Catching SIGBUS safely"). Run
 * ./naive_mapsum as README.md shows once, to watch the crash you prevent.
 *
 *   mapsum [--pause-at OFFSET READY GO] [--fault-outside OTHER] FILE
 *
 * What is already done: the command line (parse_options), the checksum step
 * (fnv1a64_step), the output line (print_sum), the test hook (checkpoint),
 * all in mapsum_common.h, and report_shrank() below.
 * What is yours: everything marked TODO. For now the program prints nothing
 * and exits 0.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

#include "mapsum_common.h"

/* State shared with the handler. The handler may only rely on objects that
 * are volatile (and, for a flag, sig_atomic_t). */
static sigjmp_buf recover;                /* where a caught fault resumes */
static volatile sig_atomic_t armed;       /* 1 only while guarded_scan reads */
static volatile uintptr_t map_lo, map_hi; /* [lo, hi): the mapping we guard */

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    (void)ctx;
    /* TODO 1: the SIGBUS handler.
     *  - If armed is set and si->si_addr lies in [map_lo, map_hi) (compare
     *    as uintptr_t), the fault is ours: clear armed and
     *    siglongjmp(recover, 1).
     *  - Otherwise the fault is a real bug: put the default action back
     *    (signal(sig, SIG_DFL)) and raise(sig), so that the process dies
     *    by SIGBUS as if there were no handler.
     *  Never simply return: the faulting load would run again, and fault
     *  again, forever. */
}

/* Checksum bytes [*done, size) of the mapping at base, updating *hash and
 * *done after every byte. Returns 0 at the end, or -1 when a SIGBUS in the
 * mapping stopped it; *hash then covers exactly the first *done bytes. */
static int guarded_scan(const volatile unsigned char *base, size_t size,
                        const struct mapsum_opts *o,
                        volatile uint64_t *hash, volatile size_t *done)
{
    (void)base;
    (void)size;
    (void)o;
    (void)hash;
    (void)done;
    /* TODO 2: the guarded loop.
     *  - if (sigsetjmp(recover, 1) != 0) return -1;   (why 1? see HINTS.md)
     *  - set armed, then for each i from *done to size - 1:
     *        checkpoint(o, i);
     *        *hash = fnv1a64_step(*hash, base[i]);
     *        *done = i + 1;
     *    then checkpoint(o, size), clear armed, return 0.
     *  - atomic_signal_fence(memory_order_seq_cst) after setting armed and
     *    before clearing it keeps the loop inside the armed window. */
    return 0;
}

/* Provided: the message for a file that shrank (exit status 3). */
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

    /* Delete these once you use them. */
    (void)on_sigbus;
    (void)guarded_scan;
    (void)report_shrank;
    (void)recover;
    (void)armed;
    (void)map_lo;
    (void)map_hi;

    /* TODO 3: install on_sigbus for SIGBUS with sigaction: sa_sigaction,
     *         SA_SIGINFO, an empty sa_mask. On failure: perror, exit 1. */

    /* TODO 4: open opt.file read-only and fstat it; it must be a regular
     *         file. On failure: "mapsum: FILE: <strerror>" on stderr, exit 1.
     *         A 0-byte file is not mapped (mmap refuses length 0): it prints
     *         the checksum of nothing, print_sum(FNV1A64_BASIS, 0). */

    /* TODO 5: mmap the whole file, PROT_READ only, and set map_lo / map_hi
     *         to the mapping's first byte and one past its last. */

    /* TODO 6: volatile uint64_t hash = FNV1A64_BASIS; volatile size_t done = 0;
     *         call guarded_scan, then print_sum(hash, done). If it returned
     *         -1, also report_shrank(opt.file, done, size, fd).
     *         Clear map_lo / map_hi, munmap, close. Exit 3 if the file shrank,
     *         else 0. */

    return 0;
}
