/*
 * sandbox: run one untrusted program (a student's lab) under limits and tell
 * exactly how it ended.
 *
 *   sandbox [options] -- PROGRAM [ARG...]
 *
 * The program gets its own session and process group, resource limits, a
 * private working directory, stdin from a file, and no descriptors above 2
 * (bats reads TAP on fd 3, so a program that kept it could forge results).
 * Its stdout and stderr are captured into files, each capped; a flood of
 * output kills it instead of filling the disk. A wall-clock timeout kills its
 * whole process group and, because the sandbox is a child subreaper, every
 * descendant too, including daemons that called setsid().
 *
 * With --fault-info the program is traced (ptrace) so that a fatal SIGBUS or
 * SIGSEGV can be described precisely: si_code, si_addr, and where that
 * address lies in the mapping and the mapped file, read from /proc/PID/maps
 * while the program is stopped at the signal.
 *
 * The outcome is written as key=value lines to --report FILE; see
 * tests/lib/lab.bash for the reader.
 *
 * When the grader runs as root, tests/lib/contain.c puts a spare user id in
 * MMAPLAB_SANDBOX_UID: the program then runs as that user (its working
 * folder and the trace file handed over to it), so it cannot touch the
 * harness, and RLIMIT_NPROC (which root ignores) binds. --user picks the id
 * explicitly. MMAPLAB_SANDBOX_DATA (or --data) caps RLIMIT_DATA: private
 * writable memory such as malloc, but not the file mappings the labs make,
 * so a program that allocates without end fails instead of the machine.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <ftw.h>
#include <grp.h>

struct options {
    double timeout_s;
    long cpu_s;
    long long fsize;
    long nproc;
    long long output_limit;
    long long data_limit;   /* 0: none */
    long long uid;          /* -1: keep the caller's */
    const char *stdin_path;
    const char *stdout_path;
    const char *stderr_path;
    const char *report_path;
    const char *dir;
    bool fault_info;
    char **argv;
};

struct fault {
    bool seen;
    int signo;
    int code;
    uintptr_t addr;
    bool in_map;
    uintptr_t map_start, map_end;
    unsigned long long map_offset;
    char map_path[PATH_MAX];
    bool have_size;
    long long file_size;
};

struct outcome {
    bool timed_out;
    bool output_limited;
    const char *limited_stream;
    int wstatus;
    bool reaped;
    struct fault fault;
    double elapsed_ms;
    long long out_bytes, err_bytes;
};

static void die(const char *what)
{
    fprintf(stderr, "sandbox: %s: %s\n", what, strerror(errno));
    exit(125);
}

static void usage(void)
{
    fputs("usage: sandbox [--timeout S] [--cpu S] [--fsize BYTES] [--nproc N]\n"
          "               [--output-limit BYTES] [--stdin F] [--stdout F] [--stderr F]\n"
          "               [--report F] [--dir D] [--user UID] [--data BYTES] [--fault-info]\n"
          "               -- PROGRAM [ARG...]\n",
          stderr);
    exit(125);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long long parse_num(const char *s, const char *opt)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0) {
        fprintf(stderr, "sandbox: %s needs a non-negative integer, got '%s'\n", opt, s);
        exit(125);
    }
    return v;
}

static void parse_args(int argc, char **argv, struct options *o)
{
    *o = (struct options){
        .timeout_s = 10, .cpu_s = -1, .fsize = 256LL << 20, .nproc = 64,
        .output_limit = 1LL << 20, .stdin_path = "/dev/null",
        .stdout_path = "/dev/null", .stderr_path = "/dev/null", .uid = -1,
    };
    const char *env_uid = getenv("MMAPLAB_SANDBOX_UID");
    const char *env_data = getenv("MMAPLAB_SANDBOX_DATA");
    if (env_uid && *env_uid) o->uid = parse_num(env_uid, "MMAPLAB_SANDBOX_UID");
    if (env_data && *env_data) o->data_limit = parse_num(env_data, "MMAPLAB_SANDBOX_DATA");
    int i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; break; }
        if (!strcmp(a, "--fault-info")) { o->fault_info = true; continue; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "--timeout")) {
            char *end;
            o->timeout_s = strtod(v, &end);
            if (end == v || *end || o->timeout_s <= 0) usage();
        } else if (!strcmp(a, "--cpu")) o->cpu_s = parse_num(v, a);
        else if (!strcmp(a, "--fsize")) o->fsize = parse_num(v, a);
        else if (!strcmp(a, "--nproc")) o->nproc = parse_num(v, a);
        else if (!strcmp(a, "--output-limit")) o->output_limit = parse_num(v, a);
        else if (!strcmp(a, "--stdin")) o->stdin_path = v;
        else if (!strcmp(a, "--stdout")) o->stdout_path = v;
        else if (!strcmp(a, "--stderr")) o->stderr_path = v;
        else if (!strcmp(a, "--report")) o->report_path = v;
        else if (!strcmp(a, "--dir")) o->dir = v;
        else if (!strcmp(a, "--user")) o->uid = parse_num(v, a);
        else if (!strcmp(a, "--data")) o->data_limit = parse_num(v, a);
        else usage();
    }
    if (i >= argc) usage();
    o->argv = argv + i;
    if (o->cpu_s < 0) o->cpu_s = (long)o->timeout_s + 1;
}

/* RLIMIT_NPROC counts every process of the real user, so the cap is the
 * user's current count plus the allowance. */
static long processes_of_uid(uid_t uid)
{
    DIR *d = opendir("/proc");
    if (!d) return 0;
    long n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && st.st_uid == uid) n++;
    }
    closedir(d);
    return n;
}

static void set_limit(int res, rlim_t v)
{
    struct rlimit rl = { v, v };
    struct rlimit cur;
    if (getrlimit(res, &cur) == 0 && cur.rlim_max != RLIM_INFINITY && v > cur.rlim_max)
        rl.rlim_cur = rl.rlim_max = cur.rlim_max;
    if (setrlimit(res, &rl) != 0) die("setrlimit");
}

static void child(const struct options *o, int out_w, int err_w, int go_r)
{
    if (setsid() < 0) die("setsid");
    /* Wait until the parent has attached, so the first instruction of the
     * program is already traced. */
    if (go_r >= 0) {
        char c;
        if (read(go_r, &c, 1) != 1) _exit(125);
    }
    int in = open(o->stdin_path, O_RDONLY);
    if (in < 0) die(o->stdin_path);
    if (dup2(in, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0) die("dup2");
    if (close_range(3, ~0U, 0) != 0) die("close_range");
    if (o->dir && chdir(o->dir) != 0) die(o->dir);
    if (o->dir) setenv("TMPDIR", o->dir, 1);
    set_limit(RLIMIT_CPU, (rlim_t)o->cpu_s);
    set_limit(RLIMIT_FSIZE, (rlim_t)o->fsize);
    set_limit(RLIMIT_CORE, 0);
    if (o->data_limit > 0) set_limit(RLIMIT_DATA, (rlim_t)o->data_limit);
    uid_t uid = o->uid >= 0 ? (uid_t)o->uid : getuid();
    if (o->nproc > 0)
        set_limit(RLIMIT_NPROC, (rlim_t)(processes_of_uid(uid) + o->nproc));
    if (o->uid >= 0) {
        /* Last, after everything that needs root: drop every privilege. */
        gid_t gid = (gid_t)o->uid;
        if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) die("dropping privileges");
        if (o->dir) setenv("HOME", o->dir, 1);
    }
    unsetenv("MMAPLAB_SANDBOX_UID");
    unsetenv("MMAPLAB_SANDBOX_BUILD_UID");
    unsetenv("MMAPLAB_SANDBOX_DATA");
    signal(SIGPIPE, SIG_DFL);
    execvp(o->argv[0], o->argv);
    fprintf(stderr, "sandbox: cannot run %s: %s\n", o->argv[0], strerror(errno));
    _exit(127);
}

/* One line of /proc/PID/maps: "START-END PERMS OFFSET DEV INODE   PATH".
 * strtoull rather than sscanf, which cannot report a number out of range. */
static bool parse_maps_line(char *line, uintptr_t *s, uintptr_t *e, unsigned long long *off, char **path)
{
    char *p = line, *end;
    *s = (uintptr_t)strtoull(p, &end, 16);
    if (end == p || *end != '-') return false;
    p = end + 1;
    *e = (uintptr_t)strtoull(p, &end, 16);
    if (end == p || *end != ' ') return false;
    p = end + 1 + strcspn(end + 1, " "); /* past the permissions */
    if (*p != ' ') return false;
    p++;
    *off = strtoull(p, &end, 16);
    if (end == p || *end != ' ') return false;
    p = end;
    for (int field = 0; field < 2; field++) { /* device, inode */
        p += strspn(p, " ");
        p += strcspn(p, " \n");
    }
    *path = p + strspn(p, " ");
    return true;
}

/* Find the mapping that holds addr in /proc/PID/maps. */
static void locate(pid_t pid, struct fault *f)
{
    char p[64];
    snprintf(p, sizeof p, "/proc/%d/maps", (int)pid);
    FILE *m = fopen(p, "r");
    if (!m) return;
    char line[PATH_MAX + 128];
    while (fgets(line, sizeof line, m)) {
        uintptr_t s, e;
        unsigned long long off;
        char *path;
        if (!parse_maps_line(line, &s, &e, &off, &path)) continue;
        if (f->addr < s || f->addr >= e) continue;
        f->in_map = true;
        f->map_start = s;
        f->map_end = e;
        f->map_offset = off;
        path[strcspn(path, "\n")] = 0;
        snprintf(f->map_path, sizeof f->map_path, "%s", path);
        break;
    }
    fclose(m);
    if (f->map_path[0] == '/') {
        /* Stat through the process's own view of the file: the name may have
         * been unlinked or replaced. */
        char link[96];
        struct stat st;
        snprintf(link, sizeof link, "/proc/%d/map_files/%" PRIxPTR "-%" PRIxPTR,
                 (int)pid, f->map_start, f->map_end);
        if (stat(link, &st) == 0 || stat(f->map_path, &st) == 0) {
            f->have_size = true;
            f->file_size = st.st_size;
        }
    }
}

/* Kill every process left: the group first, then whatever re-parented to us
 * (we are a subreaper) until nothing remains. */
static void kill_all(pid_t pgid)
{
    kill(-pgid, SIGKILL);
    for (int round = 0; round < 1000; round++) {
        char p[64];
        snprintf(p, sizeof p, "/proc/self/task/%d/children", (int)getpid());
        FILE *f = fopen(p, "r");
        int any = 0;
        if (f) {
            /* Space-separated pids; a list longer than the buffer is
             * finished in the next round. */
            char buf[4096];
            size_t n = fread(buf, 1, sizeof buf - 1, f);
            buf[n] = 0;
            fclose(f);
            char *end;
            for (char *q = buf;; q = end) {
                long c = strtol(q, &end, 10);
                if (end == q) break;
                if (c > 0) kill((pid_t)c, SIGKILL);
                any = 1;
            }
        }
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0) any = 1;
        if (!any) break;
        usleep(1000);
    }
}

static const char *code_name(int signo, int code)
{
    if (signo == SIGBUS) {
        switch (code) {
        case BUS_ADRALN: return "BUS_ADRALN";
        case BUS_ADRERR: return "BUS_ADRERR";
        case BUS_OBJERR: return "BUS_OBJERR";
        }
    } else if (signo == SIGSEGV) {
        switch (code) {
        case SEGV_MAPERR: return "SEGV_MAPERR";
        case SEGV_ACCERR: return "SEGV_ACCERR";
#ifdef SEGV_PKUERR
        case SEGV_PKUERR: return "SEGV_PKUERR";
#endif
        }
    }
    if (code == SI_USER) return "SI_USER";
    if (code == SI_KERNEL) return "SI_KERNEL";
    if (code == SI_TKILL) return "SI_TKILL";
    return "OTHER";
}

static const char *sig_name(int signo, char *buf, size_t n)
{
    const char *a = sigabbrev_np(signo);
    if (a) snprintf(buf, n, "SIG%s", a);
    else snprintf(buf, n, "SIG%d", signo);
    return buf;
}

static void write_report(const struct options *o, const struct outcome *r)
{
    FILE *f = o->report_path ? fopen(o->report_path, "w") : stderr;
    if (!f) die(o->report_path);
    char nb[32];
    const char *how = r->timed_out ? "timeout"
                    : r->output_limited ? "output-limit"
                    : WIFSIGNALED(r->wstatus) ? "signaled" : "exited";
    fprintf(f, "how=%s\n", how);
    if (WIFEXITED(r->wstatus)) fprintf(f, "exit=%d\n", WEXITSTATUS(r->wstatus));
    if (WIFSIGNALED(r->wstatus)) {
        int s = WTERMSIG(r->wstatus);
        fprintf(f, "signo=%d\nsignal=%s\nexit=%d\n", s, sig_name(s, nb, sizeof nb), 128 + s);
    }
    if (r->output_limited) fprintf(f, "limited_stream=%s\n", r->limited_stream);
    fprintf(f, "elapsed_ms=%.1f\nstdout_bytes=%lld\nstderr_bytes=%lld\n",
            r->elapsed_ms, r->out_bytes, r->err_bytes);
    const struct fault *ft = &r->fault;
    if (ft->seen) {
        fprintf(f, "fault_signal=%s\nfault_code=%s\nfault_addr=0x%" PRIxPTR "\n",
                sig_name(ft->signo, nb, sizeof nb), code_name(ft->signo, ft->code), ft->addr);
        if (ft->in_map) {
            fprintf(f, "map_start=0x%" PRIxPTR "\nmap_end=0x%" PRIxPTR "\n"
                       "map_path=%s\nmap_offset=%llu\naddr_in_map=%" PRIuPTR "\n",
                    ft->map_start, ft->map_end, ft->map_path[0] ? ft->map_path : "[anonymous]",
                    ft->map_offset, ft->addr - ft->map_start);
            if (ft->have_size) {
                long long file_off = (long long)(ft->map_offset + (ft->addr - ft->map_start));
                fprintf(f, "file_size=%lld\nfile_offset=%lld\npast_eof=%lld\n",
                        ft->file_size, file_off, file_off - ft->file_size);
            }
        } else {
            fputs("map_path=[none: the address is not mapped]\n", f);
        }
    }
    if (f != stderr) fclose(f);
}

struct sink {
    int fd_in;
    int fd_out;
    long long bytes;
    const char *name;
};

/* Returns false at EOF. Copies at most the limit; beyond it only counts. */
static bool pump(struct sink *s, long long limit)
{
    char buf[65536];
    ssize_t n = read(s->fd_in, buf, sizeof buf);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
    if (n <= 0) return false;
    long long room = limit - s->bytes;
    if (room > 0) {
        ssize_t keep = n < room ? n : (ssize_t)room;
        for (ssize_t done = 0; done < keep;) {
            ssize_t w = write(s->fd_out, buf + done, (size_t)(keep - done));
            if (w < 0) { if (errno == EINTR) continue; die("write capture"); }
            done += w;
        }
    }
    s->bytes += n;
    return true;
}

/* A traced child stopped: note a fatal fault, then let the signal through. */
static void handle_stop(pid_t pid, int wstatus, struct fault *f)
{
    int sig = WSTOPSIG(wstatus);
    int event = wstatus >> 16;
    if (event != 0) {           /* group-stop or event: resume quietly */
        ptrace(PTRACE_CONT, pid, 0, 0);
        return;
    }
    if ((sig == SIGBUS || sig == SIGSEGV) && !f->seen) {
        siginfo_t si;
        if (ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0 && si.si_code > 0) {
            f->seen = true;
            f->signo = sig;
            f->code = si.si_code;
            f->addr = (uintptr_t)si.si_addr;
            locate(pid, f);
        }
    }
    ptrace(PTRACE_CONT, pid, 0, (void *)(intptr_t)sig);
}

static uid_t owner_uid;

static int give(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st; (void)type; (void)ftw;
    if (lchown(path, owner_uid, (gid_t)owner_uid) != 0) die(path);
    return 0;
}

/* The program's own folder, and the trace file its tracer appends to,
 * must be writable by the user it runs as. */
static void hand_over(const struct options *o)
{
    if (geteuid() != 0) {
        fprintf(stderr, "sandbox: running as another user (uid %lld) needs root\n", o->uid);
        exit(125);
    }
    owner_uid = (uid_t)o->uid;
    if (o->dir && nftw(o->dir, give, 16, FTW_PHYS) != 0) die(o->dir);
    const char *trace = getenv("MMAPLAB_TRACE");
    struct stat st;
    if (trace && lstat(trace, &st) == 0 && S_ISREG(st.st_mode) && lchown(trace, owner_uid, (gid_t)owner_uid) != 0)
        die(trace);
}

int main(int argc, char **argv)
{
    struct options o;
    parse_args(argc, argv, &o);
    struct outcome r = {0};
    if (o.uid >= 0) hand_over(&o);

    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) die("prctl(PR_SET_CHILD_SUBREAPER)");
    signal(SIGPIPE, SIG_IGN);

    int out_p[2], err_p[2], go_p[2] = {-1, -1};
    if (pipe2(out_p, O_CLOEXEC) || pipe2(err_p, O_CLOEXEC)) die("pipe");
    if (o.fault_info && pipe2(go_p, O_CLOEXEC)) die("pipe");
    int out_f = open(o.stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err_f = open(o.stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out_f < 0) die(o.stdout_path);
    if (err_f < 0) die(o.stderr_path);

    double start = now_ms();
    pid_t pid = fork();
    if (pid < 0) die("fork");
    if (pid == 0) {
        close(out_p[0]);
        close(err_p[0]);
        if (go_p[1] >= 0) close(go_p[1]);
        child(&o, out_p[1], err_p[1], go_p[0]);
    }
    close(out_p[1]);
    close(err_p[1]);
    if (o.fault_info) {
        close(go_p[0]);
        if (ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)PTRACE_O_EXITKILL) != 0)
            die("ptrace(PTRACE_SEIZE)");
        if (write(go_p[1], "g", 1) != 1) die("write");
        close(go_p[1]);
    }

    struct sink sinks[2] = {
        { out_p[0], out_f, 0, "stdout" },
        { err_p[0], err_f, 0, "stderr" },
    };
    bool open_[2] = { true, true };
    double deadline = start + o.timeout_s * 1000.0;

    for (;;) {
        /* Reap or resume the main child without blocking. */
        if (!r.reaped) {
            int st;
            pid_t w = waitpid(pid, &st, WNOHANG | __WALL);
            if (w == pid) {
                if (WIFSTOPPED(st)) handle_stop(pid, st, &r.fault);
                else { r.reaped = true; r.wstatus = st; }
            }
        }
        if (r.reaped && !open_[0] && !open_[1]) break;
        if (r.reaped) {
            /* The program is gone but something it started still holds the
             * pipes: that is a leftover process, not more output. */
            kill_all(pid);
            for (int k = 0; k < 2; k++)
                while (open_[k] && pump(&sinks[k], o.output_limit)) {}
            break;
        }
        double left = deadline - now_ms();
        if (left <= 0) {
            r.timed_out = true;
            break;
        }
        struct pollfd pf[2];
        int n = 0, idx[2];
        for (int k = 0; k < 2; k++)
            if (open_[k]) { pf[n].fd = sinks[k].fd_in; pf[n].events = POLLIN; idx[n++] = k; }
        int wait_ms = left < 20 ? (int)left + 1 : 20;
        if (n == 0) {
            usleep(wait_ms * 1000 > 2000 ? 2000 : wait_ms * 1000);
            continue;
        }
        int pr = poll(pf, (nfds_t)n, wait_ms);
        if (pr < 0 && errno != EINTR) die("poll");
        for (int j = 0; pr > 0 && j < n; j++) {
            if (!(pf[j].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            int k = idx[j];
            if (!pump(&sinks[k], o.output_limit)) open_[k] = false;
            if (sinks[k].bytes > o.output_limit && !r.output_limited) {
                r.output_limited = true;
                r.limited_stream = sinks[k].name;
            }
        }
        if (r.output_limited) break;
    }

    if (!r.reaped) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        int st;
        for (;;) {
            pid_t w = waitpid(pid, &st, __WALL);
            if (w < 0 && errno == EINTR) continue;
            if (w == pid && WIFSTOPPED(st)) { ptrace(PTRACE_CONT, pid, 0, (void *)(long)SIGKILL); continue; }
            break;
        }
        r.wstatus = st;
        r.reaped = true;
    }
    kill_all(pid);
    r.elapsed_ms = now_ms() - start;
    r.out_bytes = sinks[0].bytes;
    r.err_bytes = sinks[1].bytes;
    write_report(&o, &r);
    return 0;
}
