/*
 * contain: run one lab's test runner in namespaces of its own, so that the
 * student code it starts cannot reach the network, the machine's /tmp,
 * /var/tmp or /dev/shm, or outlive the run.
 *
 *   contain [--keep DIR]... [--report FILE] [--tmp-size BYTES] -- CMD [ARG...]
 *
 * CMD runs as the child of a small init in a new PID namespace: when CMD
 * ends (or contain is killed) the init exits and the kernel kills every
 * process left in the namespace, daemons included. A new mount namespace
 * puts empty tmpfs file systems on /tmp, /var/tmp, /dev/shm, /run/lock and
 * /dev/mqueue (the folders anyone may write to); the --keep
 * folders (the grader's own work tree, which may lie under /tmp) are bound
 * back into place. A new network namespace has no interfaces up, so every
 * connection fails. A new IPC namespace hides System V objects.
 *
 * As root, contain also picks a pair of user ids no account uses and puts
 * them in the environment: the sandbox runs student programs as
 * MMAPLAB_SANDBOX_UID and builds as MMAPLAB_SANDBOX_BUILD_UID (so a program
 * cannot rewrite what the build made). Without root, contain asks for a user
 * namespace, which grants the other namespaces; where even that is refused
 * the command runs unconfined.
 *
 * What it achieved goes to --report as key=value lines (isolation=full or
 * none, user=..., reason=...), so the grader can say so in its results.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_KEEP = 8 };

/* Far above any account's id; two per run (student, build). */
#define UID_BASE 3000000000u

struct options {
    const char *keep[MAX_KEEP];
    int nkeep;
    const char *report;
    unsigned long long tmp_size;
    char **argv;
};

static void usage(void)
{
    fputs("usage: contain [--keep DIR]... [--report FILE] [--tmp-size BYTES] -- CMD [ARG...]\n", stderr);
    exit(125);
}

static void parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .tmp_size = 256ULL << 20 };
    int i;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { i++; break; }
        if (i + 1 >= argc) usage();
        if (!strcmp(argv[i], "--keep") && o->nkeep < MAX_KEEP) o->keep[o->nkeep++] = argv[++i];
        else if (!strcmp(argv[i], "--report")) o->report = argv[++i];
        else if (!strcmp(argv[i], "--tmp-size")) o->tmp_size = strtoull(argv[++i], NULL, 10);
        else usage();
    }
    if (i >= argc) usage();
    o->argv = argv + i;
}

static void report(const struct options *o, const char *isolation, const char *user, const char *reason)
{
    if (!o->report) return;
    FILE *f = fopen(o->report, "w");
    if (!f) return;
    fprintf(f, "isolation=%s\nuser=%s\n", isolation, user);
    if (reason) fprintf(f, "reason=%s\n", reason);
    fclose(f);
}

static int write_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Map our own ids into a new user namespace: enough to mount and to
 * create the other namespaces, nothing more. */
static int map_self(uid_t uid, gid_t gid)
{
    char line[64];
    if (write_text("/proc/self/setgroups", "deny") != 0) return -1;
    snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)gid);
    if (write_text("/proc/self/gid_map", line) != 0) return -1;
    snprintf(line, sizeof line, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    return write_text("/proc/self/uid_map", line);
}

static int mkdirs(const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    return mkdir(buf, 0755) != 0 && errno != EEXIST ? -1 : 0;
}

static int under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == 0);
}

/* An empty tmpfs on top, then the kept folders that lay below it bound
 * back at the same paths. */
static int private_tmp(const char *top, const struct options *o, const char *keep_real[], char *why, size_t n)
{
    struct stat st;
    if (stat(top, &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    int fds[MAX_KEEP];
    for (int k = 0; k < o->nkeep; k++) {
        fds[k] = -1;
        if (keep_real[k] && under(keep_real[k], top)) fds[k] = open(keep_real[k], O_PATH | O_DIRECTORY | O_CLOEXEC);
    }
    char opts[64];
    snprintf(opts, sizeof opts, "mode=1777,size=%llu", o->tmp_size);
    int rc = 0;
    if (mount("tmpfs", top, "tmpfs", MS_NOSUID | MS_NODEV, opts) != 0) {
        snprintf(why, n, "mount tmpfs on %s: %s", top, strerror(errno));
        rc = -1;
    }
    for (int k = 0; k < o->nkeep; k++) {
        if (fds[k] < 0) continue;
        char from[64];
        snprintf(from, sizeof from, "/proc/self/fd/%d", fds[k]);
        if (rc == 0 && (mkdirs(keep_real[k]) != 0 || mount(from, keep_real[k], NULL, MS_BIND | MS_REC, NULL) != 0)) {
            snprintf(why, n, "bind %s back: %s", keep_real[k], strerror(errno));
            rc = -1;
        }
        close(fds[k]);
    }
    return rc;
}

static pid_t init_child = -1;

static void pass_on(int sig)
{
    (void)sig;
    if (init_child > 0) kill(init_child, SIGKILL);
}

/* PID 1 of the new namespace: start CMD, reap everything, leave with
 * CMD's status (the kernel then kills whatever is left). */
static int run_init(char **argv)
{
    pid_t cmd = fork();
    if (cmd < 0) return 125;
    if (cmd == 0) {
        signal(SIGTERM, SIG_DFL);
        execvp(argv[0], argv);
        fprintf(stderr, "contain: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    for (;;) {
        int st;
        pid_t w = wait(&st);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return 125;
        if (w == cmd) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    }
}

static int run_plain(const struct options *o, const char *why)
{
    report(o, "none", geteuid() == 0 ? "root" : "the grader's own", why);
    execvp(o->argv[0], o->argv);
    fprintf(stderr, "contain: cannot run %s: %s\n", o->argv[0], strerror(errno));
    return 127;
}

int main(int argc, char **argv)
{
    struct options o;
    parse(argc, argv, &o);
    const char *keep_real[MAX_KEEP] = {0};
    for (int k = 0; k < o.nkeep; k++) keep_real[k] = realpath(o.keep[k], NULL);

    uid_t uid = getuid();
    gid_t gid = getgid();
    int root = geteuid() == 0;
    char why[512] = "";
    int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC;
    if (!root) flags |= CLONE_NEWUSER;
    if (unshare(flags) != 0) {
        snprintf(why, sizeof why, "the kernel refused new namespaces (%s)%s", strerror(errno),
                 root ? "" : "; unprivileged user namespaces may be turned off");
        return run_plain(&o, why);
    }
    if (!root && map_self(uid, gid) != 0) {
        snprintf(why, sizeof why, "cannot map ids in a user namespace: %s", strerror(errno));
        return run_plain(&o, why);
    }

    char user[96] = "the grader's own (not root)";
    if (root) {
        unsigned base = UID_BASE + ((unsigned)getpid() % 500000u) * 2u;
        char s[16];
        snprintf(s, sizeof s, "%u", base);
        setenv("MMAPLAB_SANDBOX_UID", s, 1);
        snprintf(s, sizeof s, "%u", base + 1);
        setenv("MMAPLAB_SANDBOX_BUILD_UID", s, 1);
        snprintf(user, sizeof user, "uid %u (builds as %u)", base, base + 1);
    }

    int ready[2];
    if (pipe2(ready, O_CLOEXEC) != 0) return 125;
    pid_t child = fork();
    if (child < 0) return 125;
    if (child == 0) {
        close(ready[0]);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        int bad = mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0;
        if (bad) snprintf(why, sizeof why, "cannot make mounts private: %s", strerror(errno));
        /* Every folder a Debian system lets anyone write to. */
        static const char *const tops[] = { "/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/dev/mqueue" };
        for (size_t t = 0; !bad && t < sizeof tops / sizeof tops[0]; t++)
            bad = private_tmp(tops[t], &o, keep_real, why, sizeof why) != 0;
        if (!bad && mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
            snprintf(why, sizeof why, "cannot mount /proc: %s", strerror(errno));
            bad = 1;
        }
        /* Tell the parent how it went before anything can block. */
        char msg[600];
        snprintf(msg, sizeof msg, "%c%s", bad ? 'n' : 'y', why);
        if (write(ready[1], msg, strlen(msg)) < 0) _exit(125);
        close(ready[1]);
        if (bad) _exit(125);
        umask(022);
        /* The caller's folder may now be hidden under a private /tmp: work
         * from the first kept folder instead. */
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof cwd) || chdir(cwd) != 0) {
            if (chdir(keep_real[0] ? keep_real[0] : "/") != 0 && chdir("/") != 0) _exit(125);
        }
        _exit(run_init(o.argv));
    }
    close(ready[1]);
    char msg[600] = "";
    ssize_t got = read(ready[0], msg, sizeof msg - 1);
    close(ready[0]);
    if (got <= 0 || msg[0] != 'y') {
        int st;
        waitpid(child, &st, 0);
        /* The namespaces are half made: say why and run without them. */
        if (got > 1) snprintf(why, sizeof why, "%.500s", msg + 1);
        else snprintf(why, sizeof why, "the namespace could not be set up");
        return run_plain(&o, why);
    }
    report(&o, "full", user, NULL);

    init_child = child;
    struct sigaction sa = { .sa_handler = pass_on };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    int st;
    for (;;) {
        pid_t w = waitpid(child, &st, 0);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) return 125;
        break;
    }
    for (int k = 0; k < o.nkeep; k++) free((void *)keep_real[k]);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
