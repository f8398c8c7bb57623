/*
 * shmq - send COUNT sequenced messages from one process to another through
 * a ring buffer in POSIX shared memory, and check that every one arrives,
 * in order, exactly once.
 *
 * Reference solution for lab 09-shm-queue (lesson 12-shared-memory).
 *
 *   shmq NAME COUNT
 *
 * The parent creates the shared memory object NAME, maps it, and forks. The
 * child is the consumer; the parent is the producer, and the only process
 * that ever removes the name. The lesson in three lines:
 *
 *   - shared memory gives both processes the same bytes, nothing more;
 *   - the ORDER in which the other side sees your stores comes from
 *     release stores paired with acquire loads;
 *   - a shm_open name outlives every process that used it, so somebody who
 *     is sure to survive (here the parent) must shm_unlink it.
 */
#define _GNU_SOURCE /* shm_open, prctl, sigaction under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ring.h"
#include "testhook.h"

/* Exit statuses, as documented in README.md. */
enum {
    EXIT_OK = 0,        /* all COUNT messages arrived in order */
    EXIT_SYSCALL = 1,   /* a system call failed */
    EXIT_USAGE = 2,     /* bad arguments */
    EXIT_BADMSG = 3,    /* the consumer got a wrong message */
    EXIT_CUTSHORT = 4,  /* the consumer died, or shmq was interrupted */
};

#define MAX_NAME_CHARS 200 /* characters after the leading slash */

/* ---------------------------------------------------------------------
 * Plumbing (provided in the lab)
 * ------------------------------------------------------------------- */

static void report(const char *what, const char *name, int err)
{
    if (name != NULL)
        fprintf(stderr, "shmq: %s %s: %s\n", what, name, strerror(err));
    else
        fprintf(stderr, "shmq: %s: %s\n", what, strerror(err));
}

/* COUNT: digits only, fits in 64 bits. */
static bool parse_count(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return false; /* no sign, no blank, not empty */
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return false;
    *out = (uint64_t)v;
    return true;
}

/* The producer's view of the consumer. */
struct peer {
    pid_t pid;
    bool reaped; /* waitpid has returned its status */
    int status;  /* valid when reaped */
};

/* Set by SIGINT, SIGTERM or SIGHUP in the producer: stop, clean up, leave. */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

/* True when the producer must stop waiting for room in the ring: the
 * consumer has exited or was killed (its status is then in c->status), or
 * shmq itself was asked to stop. waitpid with WNOHANG never blocks; it reaps
 * the consumer the moment it is dead, so nothing is left a zombie. */
static bool consumer_gone(struct peer *c)
{
    if (c->reaped || stop_signal)
        return true;
    pid_t got = waitpid(c->pid, &c->status, WNOHANG);
    if (got == c->pid) {
        c->reaped = true;
        return true;
    }
    if (got < 0 && errno != EINTR) {
        /* ECHILD or worse: we can no longer learn its fate; treat it as
         * gone rather than wait forever. */
        c->reaped = true;
        c->status = EXIT_SYSCALL << 8;
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------------
 * The student's part
 * ------------------------------------------------------------------- */

/* NAME is "/" and 1 to MAX_NAME_CHARS letters, digits, '.', '_' or '-',
 * not starting with a dot. shm_open itself accepts more (any byte but '/'),
 * but the name becomes a file in /dev/shm: "." and ".." are directories,
 * and a name we check here gives a clear message instead of a bare EINVAL.
 * Letters are compared by range, not with isalnum(), whose answer depends
 * on the locale. */
static bool valid_name(const char *name)
{
    size_t len = strlen(name);
    if (name[0] != '/' || len < 2 || len > 1 + MAX_NAME_CHARS || name[1] == '.')
        return false;
    for (size_t i = 1; i < len; i++) {
        char ch = name[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

/* Create the shared memory object NAME, size it, map it, and initialise
 * the ring header. Returns the mapping, or NULL after printing why.
 *
 * O_EXCL makes creation fail with EEXIST if the name is already taken: the
 * object may belong to another running shmq, or be left over from a crash
 * (names survive their creators). Reusing it would mean sharing a ring
 * with a stranger, or starting from stale head and tail values. And because
 * we did not create it, we must not unlink it either. */
static struct ring *ring_create(const char *name)
{
    size_t len = ring_bytes(RING_CAPACITY);
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        report("shm_open", name, errno);
        return NULL;
    }

    /* A new object has size 0. Touching a mapping of it would be SIGBUS,
     * so give it its size before anyone maps it. New bytes read as zero. */
    if (ftruncate(fd, (off_t)len) != 0) {
        int err = errno;
        close(fd);
        shm_unlink(name); /* ours: created above */
        report("ftruncate", name, err);
        return NULL;
    }

    /* MAP_SHARED: stores go to the object's pages, which the child will
     * share after fork. MAP_PRIVATE would give each process its own
     * copy-on-write copy, and the consumer would wait forever. */
    struct ring *r = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int err = errno;
    close(fd); /* the mapping keeps the object alive; the fd is not needed */
    if (r == MAP_FAILED) {
        shm_unlink(name);
        report("mmap", name, err);
        return NULL;
    }

    /* Nobody else has the memory yet, so plain initialisation is safe.
     * atomic_init is the way to give an atomic its first value. */
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    r->capacity = RING_CAPACITY;
    return r;
}

/* Remove the name and the mapping. Unlinking first: even if munmap failed,
 * no name would be left behind. The memory itself is freed when the last
 * mapping of it goes away (the consumer's went with its process). */
static int ring_destroy(struct ring *r, const char *name)
{
    int rc = 0;
    if (shm_unlink(name) != 0) {
        report("shm_unlink", name, errno);
        rc = -1;
    }
    if (munmap(r, ring_bytes(RING_CAPACITY)) != 0) {
        report("munmap", name, errno);
        rc = -1;
    }
    return rc;
}

/* Producer: append *m. Waits while the ring is full; returns false, without
 * sending, if the consumer is gone (consumer_gone()). */
static bool ring_push(struct ring *r, const struct msg *m, struct peer *consumer)
{
    /* Only the producer writes head, so its own last store is the current
     * value: relaxed is enough, there is nothing to synchronise with. */
    uint64_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

    /* acquire pairs with the consumer's release store of tail. Seeing
     * tail > n means the consumer's read of slot n is complete, so the slot
     * may be overwritten now. With a relaxed load here, our new data could
     * land in the slot before the consumer has finished reading the old. */
    while (head - atomic_load_explicit(&r->tail, memory_order_acquire) == r->capacity) {
        if (consumer_gone(consumer))
            return false;
        sched_yield(); /* full: let the consumer run (it may share our CPU) */
    }

    /* 1. fill the slot: ordinary stores, invisible to the consumer so far,
     *    because it never reads slots at or beyond head. */
    r->slot[head & (r->capacity - 1)] = *m;

    /* 2. publish it. release: every store above (the whole message) is
     *    visible to any process that reads head + 1 with acquire. A relaxed
     *    store (or a plain one) would allow the CPU or the compiler to make
     *    the new head visible before the message: the consumer would read
     *    an old or half-written slot. */
    atomic_store_explicit(&r->head, head + 1, memory_order_release);
    return true;
}

/* Consumer: take the oldest message into *m, waiting while the ring is
 * empty. (If the producer dies, the kernel kills the consumer: see
 * PR_SET_PDEATHSIG in run_consumer().) */
static void ring_pop(struct ring *r, struct msg *m)
{
    /* Our own counter: relaxed, as in ring_push. */
    uint64_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);

    /* acquire pairs with the producer's release store of head: once we see
     * head > tail, the message in slot tail is complete and visible. */
    while (atomic_load_explicit(&r->head, memory_order_acquire) == tail)
        sched_yield(); /* empty: let the producer run */

    *m = r->slot[tail & (r->capacity - 1)];

    /* Hand the slot back. release: our read of the slot above happens
     * before the producer (acquiring tail) can overwrite it. */
    atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
}

/* ---------------------------------------------------------------------
 * Plumbing (provided in the lab)
 * ------------------------------------------------------------------- */

/* Send messages 0 .. count-1. Returns how many were sent. */
static uint64_t produce(struct ring *r, uint64_t count, struct peer *consumer)
{
    for (uint64_t i = 0; i < count; i++) {
        if ((i & 4095) == 0 && stop_signal)
            return i;
        struct msg m = { .seq = i, .check = msg_check(i) };
        if (!ring_push(r, &m, consumer))
            return i;
    }
    return count;
}

/* Receive count messages and check each; print the summary line. Returns
 * the consumer's exit status. */
static int consume(struct ring *r, uint64_t count, const struct pause_hook *hook)
{
    for (uint64_t i = 0; i < count; i++) {
        pause_hook_check(hook, i); /* keep: the tests use it */
        struct msg m;
        ring_pop(r, &m);
        if (m.seq != i) {
            printf("received %" PRIu64 " of %" PRIu64 " messages in order; "
                   "message %" PRIu64 ": expected seq %" PRIu64 ", got seq %" PRIu64 "\n",
                   i, count, i, i, m.seq);
            return EXIT_BADMSG;
        }
        if (m.check != msg_check(m.seq)) {
            printf("received %" PRIu64 " of %" PRIu64 " messages in order; "
                   "message %" PRIu64 ": seq %" PRIu64 " has a bad check value\n",
                   i, count, i, m.seq);
            return EXIT_BADMSG;
        }
    }
    printf("received %" PRIu64 " of %" PRIu64 " messages in order\n", count, count);
    return EXIT_OK;
}

/* Block until the consumer has ended. On SIGINT/SIGTERM/SIGHUP, kill it:
 * it would otherwise wait for messages that will never come. */
static void reap_consumer(struct peer *c)
{
    while (!c->reaped) {
        if (stop_signal)
            kill(c->pid, SIGKILL);
        pid_t got = waitpid(c->pid, &c->status, 0);
        if (got == c->pid) {
            c->reaped = true;
        } else if (got < 0 && errno != EINTR) {
            report("waitpid", NULL, errno);
            c->reaped = true;
            c->status = EXIT_SYSCALL << 8;
        }
    }
}

static void set_stop_handlers(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* The consumer process. Never returns. */
static void run_consumer(struct ring *r, uint64_t count, pid_t producer)
{
    set_stop_handlers(SIG_DFL);
    /* If the producer dies, nobody will ever push again and the consumer
     * would wait forever: ask the kernel to kill us with our parent. The
     * getppid check covers a parent that died before the prctl. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != producer)
        _exit(EXIT_SYSCALL);
    struct pause_hook hook = pause_hook_from_env();
    int rc = consume(r, count, &hook);
    fflush(stdout);
    _exit(rc); /* _exit: the parent's atexit work is not ours to run */
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: shmq NAME COUNT   (NAME like /myqueue)\n");
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    uint64_t count;
    if (!valid_name(name)) {
        fprintf(stderr, "shmq: bad name '%s': use a slash and 1 to %d letters, digits, "
                        "'.', '_' or '-', not starting with '.'\n", name, MAX_NAME_CHARS);
        return EXIT_USAGE;
    }
    if (!parse_count(argv[2], &count)) {
        fprintf(stderr, "shmq: bad count '%s': not a whole number from 0 to %" PRIu64 "\n",
                argv[2], UINT64_MAX);
        return EXIT_USAGE;
    }

    struct ring *r = ring_create(name);
    if (r == NULL)
        return EXIT_SYSCALL;

    /* From here on the name exists, and only this process removes it: every
     * way out below passes ring_destroy(). A termination signal only sets a
     * flag, so that we still get there; SIGKILL cannot be caught, which is
     * why O_EXCL in ring_create() reports a name left behind. */
    set_stop_handlers(on_stop);

    fflush(stdout); /* the child must not inherit unwritten output */
    fflush(stderr);
    pid_t producer = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        report("fork", NULL, errno);
        ring_destroy(r, name);
        return EXIT_SYSCALL;
    }
    if (pid == 0)
        run_consumer(r, count, producer); /* the mapping was inherited */

    struct peer consumer = { .pid = pid, .reaped = false, .status = 0 };
    uint64_t sent = produce(r, count, &consumer);
    reap_consumer(&consumer);
    uint64_t got = atomic_load_explicit(&r->tail, memory_order_acquire);

    int rc;
    if (stop_signal) {
        fprintf(stderr, "shmq: interrupted by signal %d after %" PRIu64 " of %" PRIu64
                        " messages\n", (int)stop_signal, got, count);
        rc = EXIT_CUTSHORT;
    } else if (WIFSIGNALED(consumer.status)) {
        fprintf(stderr, "shmq: consumer killed by signal %d after %" PRIu64 " of %" PRIu64
                        " messages\n", WTERMSIG(consumer.status), got, count);
        rc = EXIT_CUTSHORT;
    } else {
        rc = WEXITSTATUS(consumer.status);
        if (rc == EXIT_OK && sent != count)
            rc = EXIT_CUTSHORT; /* cannot happen with a correct consumer */
    }
    if (ring_destroy(r, name) != 0 && rc == EXIT_OK)
        rc = EXIT_SYSCALL;
    return rc;
}
