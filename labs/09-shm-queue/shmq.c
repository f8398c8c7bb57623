/*
 * shmq - send COUNT sequenced messages from one process to another through
 * a ring buffer in POSIX shared memory, and check that every one arrives,
 * in order, exactly once.
 *
 * Lab 09-shm-queue. Read README.md first; the lesson is
 * lessons/en/12-shared-memory.md. The ring's layout is in ring.h.
 *
 *   shmq NAME COUNT
 *
 * The parent creates the shared memory object NAME, maps it, and forks. The
 * child is the consumer; the parent is the producer, and the only process
 * that ever removes the name.
 *
 * What is already done: argument checks (but see TODO 1), the fork, the
 * producer and consumer loops with their checks and summary line, noticing a
 * dead consumer (consumer_gone()), signals, and the exit statuses.
 * What is yours: TODO 1 to TODO 5 below. As shipped, ring_create() only
 * says it is not written and the program exits 1.
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
 * Your part: the five functions below (TODO 1 to TODO 5)
 * ------------------------------------------------------------------- */

/* TODO 1: return true if NAME is "/" followed by 1 to MAX_NAME_CHARS
 *         characters, each a letter (a-z, A-Z), a digit, '.', '_' or '-',
 *         and the character after the slash is not '.'. Compare characters
 *         by range, not with isalnum() (its answer depends on the locale).
 *         main() prints the error message when this returns false. */
static bool valid_name(const char *name)
{
    (void)name;
    return true;
}

/* TODO 2: create the shared memory object NAME and map it; return the
 *         mapping, or NULL after printing why with report().
 *         - shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600): O_EXCL so that
 *           an existing object (another run's, or a crash's leftover) is an
 *           error (EEXIST), never reused. Not yours: do not unlink it then.
 *         - ftruncate the new object to ring_bytes(RING_CAPACITY) bytes
 *           (a new object has size 0), then mmap that many bytes,
 *           PROT_READ | PROT_WRITE, MAP_SHARED. Close the descriptor.
 *         - any failure after a successful shm_open: shm_unlink(name).
 *         - initialise the header: head and tail 0 (atomic_init), capacity
 *           RING_CAPACITY. */
static struct ring *ring_create(const char *name)
{
    (void)name;
    fprintf(stderr, "shmq: ring_create is not written yet (TODO 2)\n");
    return NULL;
}

/* TODO 3: remove the name (shm_unlink) and the mapping (munmap, with the
 *         length you mapped). Report each failure with report() and
 *         return -1 if any call failed, 0 otherwise. */
static int ring_destroy(struct ring *r, const char *name)
{
    (void)r;
    (void)name;
    return 0;
}

/* TODO 4: producer. Append *m to the ring and return true.
 *         - head = your own counter (only the producer writes it);
 *         - while the ring is full (head - tail == r->capacity): if
 *           consumer_gone(consumer) returns true, return false without
 *           sending; otherwise sched_yield() and look again;
 *         - copy *m into slot[head & (r->capacity - 1)];
 *         - then publish it: store head + 1 into r->head.
 *         Choose the memory order of every atomic load and store
 *         (atomic_load_explicit / atomic_store_explicit) and be ready to
 *         say why: README.md, "Memory orders". */
static bool ring_push(struct ring *r, const struct msg *m, struct peer *consumer)
{
    (void)r;
    (void)m;
    (void)consumer;
    (void)consumer_gone;
    return true;
}

/* TODO 5: consumer. Wait while the ring is empty (r->head == tail;
 *         sched_yield() while waiting), copy the oldest message,
 *         slot[tail & (r->capacity - 1)], into *m, then hand the slot back:
 *         store tail + 1 into r->tail. Memory orders as in TODO 4. (If the
 *         producer dies, the kernel kills the consumer: run_consumer()
 *         arranges it, so you need no check here.) */
static void ring_pop(struct ring *r, struct msg *m)
{
    (void)r;
    memset(m, 0, sizeof *m);
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
