#include "grade.h"
#include "runner.h"
#include "util.h"

#include <errno.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_STUDENT_FILE = 1 << 20 };

/* Private writable memory (malloc, brk, private writable mappings) a
 * student program may use while graded: RLIMIT_DATA, which leaves alone
 * the file mappings and PROT_NONE reservations the labs make. 2 GiB: lab
 * 08 grows one buffer to 1 GiB. Not set for sanitizer builds, whose
 * shadow memory counts as data. */
#define GRADE_DATA_LIMIT "2147483648"

void grade_free(struct grade *g)
{
    for (size_t i = 0; i < g->n; i++) lab_result_free(&g->labs[i].result);
    free(g->labs);
    memset(g, 0, sizeof *g);
}

static int run_quiet(char *const argv[])
{
    char *out = NULL;
    int ws = 0;
    mm_status st = run_capture(argv, NULL, &out, &ws);
    free(out);
    return st == MM_OK && WIFEXITED(ws) && WEXITSTATUS(ws) == 0 ? 0 : -1;
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && !strcmp(s + a - b, tail);
}

static int is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Copy one student file if it is a plain, readable, reasonably small
 * file; otherwise say why not. */
static int take_file(const char *from, const char *name, const char *to, char *why, size_t whylen)
{
    struct stat st;
    if (lstat(from, &st) != 0) {
        snprintf(why, whylen, "missing student file %s", name);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, whylen, "%s is not a regular file (links and folders are not accepted)", name);
        return -1;
    }
    if (st.st_size > MAX_STUDENT_FILE) {
        snprintf(why, whylen, "%s is larger than %d bytes", name, MAX_STUDENT_FILE);
        return -1;
    }
    char *text;
    size_t len;
    if (read_file(from, &text, &len) != MM_OK) {
        snprintf(why, whylen, "cannot read student file %s", name);
        return -1;
    }
    int fd = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int ok = fd >= 0 && write(fd, text, len) == (ssize_t)len;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    free(text);
    if (!ok) snprintf(why, whylen, "cannot copy %s", name);
    return ok ? 0 : -1;
}

static int wanted(const char *list, const char *id)
{
    if (!list) return 1;
    size_t n = strlen(id);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, ',');
        size_t k = e ? (size_t)(e - p) : strlen(p);
        if ((k == n && !strncmp(p, id, n)) || (k && k <= 3 && strtol(p, NULL, 10) == strtol(id, NULL, 10)))
            return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}


/* The submission, unpacked into unpack/ when it is an archive; *root is
 * the folder that holds the NN-slug/ folders. */
static mm_status find_submission(const char *submission, const char *unpack, char *root, size_t rootlen,
                                 char *err, size_t errlen)
{
    char inner[1400];
    const char *sub = submission;
    if (!is_dir(submission)) {
        if (mkdir(unpack, 0700) != 0) return MM_ERR_IO;
        int rc = -1;
        if (ends_with(submission, ".tar.gz") || ends_with(submission, ".tgz")) {
            char *argv[] = { "tar", "-xzf", (char *)submission, "-C", (char *)unpack, "--no-same-owner", NULL };
            rc = run_quiet(argv);
        } else if (ends_with(submission, ".zip")) {
            char *argv[] = { "unzip", "-q", (char *)submission, "-d", (char *)unpack, NULL };
            rc = run_quiet(argv);
        } else {
            snprintf(err, errlen, "%s is not a folder, a .tar.gz or a .zip", submission);
            return MM_ERR_USAGE;
        }
        if (rc != 0) {
            snprintf(err, errlen, "cannot unpack %s", submission);
            return MM_ERR_IO;
        }
        sub = unpack;
        /* An archive of one folder (not labs/ itself, not one lab's
         * folder): look inside it. */
        DIR *d = opendir(unpack);
        struct dirent *e;
        int entries = 0;
        char name[256] = "";
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            if (++entries == 1) snprintf(name, sizeof name, "%s", e->d_name);
        }
        if (d) closedir(d);
        int lab_folder = isdigit((unsigned char)name[0]) && isdigit((unsigned char)name[1]) && name[2] == '-';
        snprintf(inner, sizeof inner, "%s/%s", unpack, name);
        if (entries == 1 && is_dir(inner) && strcmp(name, "labs") && !lab_folder) sub = inner;
    }
    /* A workspace holds labs/. */
    snprintf(root, rootlen, "%s/labs", sub);
    if (!is_dir(root)) snprintf(root, rootlen, "%s", sub);
    return MM_OK;
}

/* The project's own harness, tests and tools, fresh for this run and
 * readable (not writable) by the user student code runs as. */
static mm_status build_tree(const struct paths *p, const char *tree, char *err, size_t errlen)
{
    char *labs_dir = path_join(p->data, "labs"), *tests_dir = path_join(p->data, "tests");
    char *tools = path_join(tree, "tools");
    if (!labs_dir || !tests_dir || !tools) {
        free(labs_dir); free(tests_dir); free(tools);
        return MM_ERR_NOMEM;
    }
    char *cp1[] = { "cp", "-R", labs_dir, (char *)tree, NULL };
    char *cp2[] = { "cp", "-R", tests_dir, (char *)tree, NULL };
    int ok = run_quiet(cp1) == 0 && run_quiet(cp2) == 0 && mkdir(tools, 0755) == 0;
    static const char *const names[] = { "sandbox", "calltrace.so", "contain" };
    for (size_t i = 0; ok && p->tools && i < sizeof names / sizeof names[0]; i++) {
        char *from = path_join(p->tools, names[i]);
        if (from && file_exists(from)) {
            char *cp[] = { "cp", from, tools, NULL };
            ok = run_quiet(cp) == 0;
        }
        free(from);
    }
    char *chmod_r[] = { "chmod", "-R", "a+rX,go-w", (char *)tree, NULL };
    ok = ok && run_quiet(chmod_r) == 0;
    if (!ok) snprintf(err, errlen, "cannot copy the harness into %s", tree);
    free(labs_dir);
    free(tests_dir);
    free(tools);
    return ok ? MM_OK : MM_ERR_IO;
}

/* Copy one lab's student files; say in lg->message what was refused. */
static void take_lab_files(const struct lab *lab, const char *root, const char *student, struct lab_grade *lg)
{
    char dir[1400];
    snprintf(dir, sizeof dir, "%s/%s", student, lab->dir);
    mkdir(dir, 0755);
    for (size_t k = 0; k < lab->nfiles; k++) {
        char from[2000], to[1500], why[400], name[300];
        snprintf(from, sizeof from, "%s/%s/%s", root, lab->dir, lab->files[k]);
        snprintf(name, sizeof name, "%s/%s", lab->dir, lab->files[k]);
        snprintf(to, sizeof to, "%s/%s", dir, lab->files[k]);
        if (take_file(from, name, to, why, sizeof why) != 0) {
            size_t used = strlen(lg->message);
            snprintf(lg->message + used, sizeof lg->message - used, "%s%s", used ? "; " : "", why);
        }
    }
}

/* What the containment of the first lab achieved, in words. */
static void describe_isolation(const char *report, int contained, char *out, size_t n)
{
    if (!contained) {
        snprintf(out, n, "student code ran without namespaces (MMAPLAB_GRADE_ISOLATION=off or the "
                         "contain tool is missing); only the sandbox's limits applied");
        return;
    }
    char *text = NULL;
    size_t len;
    if (read_file(report, &text, &len) != MM_OK) {
        snprintf(out, n, "unknown: the containment report is missing");
        return;
    }
    const char *iso = strstr(text, "isolation=full") ? "full" : "none";
    char user[128] = "", reason[400] = "";
    const char *u = strstr(text, "user="), *r = strstr(text, "reason=");
    if (u) snprintf(user, sizeof user, "%.*s", (int)strcspn(u + 5, "\n"), u + 5);
    if (r) snprintf(reason, sizeof reason, "%.*s", (int)strcspn(r + 7, "\n"), r + 7);
    if (!strcmp(iso, "full"))
        snprintf(out, n, "student code ran as %s, without network, with private /tmp, /var/tmp, "
                         "/dev/shm and /run/lock, in a process namespace of its own", user);
    else
        snprintf(out, n, "student code ran WITHOUT network or file system isolation (%s); "
                         "only the sandbox's limits applied", reason[0] ? reason : "no reason given");
    free(text);
}

struct worker {
    pid_t pid;
    size_t index;       /* into grade->labs */
    double started;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A worker process: run one lab's tests, keep what they printed in a
 * file the parent scores. Its exit status is an mm_status. */
static void work(const struct paths *fresh, const struct lab *lab, const char *student,
                 const struct check_how *how, const char *out_file)
{
    char *raw = NULL;
    mm_status st = lab_check_run(fresh, lab, student, how, &raw);
    if (st == MM_OK && write_file_atomic(out_file, raw, strlen(raw)) != MM_OK) st = MM_ERR_IO;
    free(raw);
    _exit((int)st);
}

static void finish(struct grade *g, struct worker *w, int ws, const char *top, int lab_timeout)
{
    struct lab_grade *lg = &g->labs[w->index];
    int code = WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
    if (code != MM_OK) {
        snprintf(lg->message, sizeof lg->message, "the tests could not run: %s",
                 code < 0 ? "the worker was killed" : mm_strerror((mm_status)code));
        return;
    }
    char file[1200];
    snprintf(file, sizeof file, "%s/%s.tap", top, lg->lab->id);
    char *raw = NULL;
    size_t len;
    if (read_file(file, &raw, &len) != MM_OK) {
        snprintf(lg->message, sizeof lg->message, "the tests could not run: no output was kept");
        return;
    }
    if (lab_result_from_raw(lg->lab, raw, &lg->result) != MM_OK) {
        snprintf(lg->message, sizeof lg->message, "the test output could not be read");
        return;
    }
    lg->ran = 1;
    if (!lg->result.complete && now_s() - w->started >= lab_timeout - 1) {
        size_t used = strlen(lg->message);
        snprintf(lg->message + used, sizeof lg->message - used,
                 "%sthe lab's tests ran past %d s and were stopped", used ? "; " : "", lab_timeout);
    }
    g->score += lg->result.score;
}

mm_status grade_run(const struct paths *p, const struct manifest *m, const char *submission,
                    const struct grade_options *opt, struct grade *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    snprintf(out->submission, sizeof out->submission, "%s", submission);
    double started = now_s();
    int jobs = opt->jobs > 0 ? opt->jobs : usable_cpus();
    int lab_timeout = opt->lab_timeout > 0 ? opt->lab_timeout : 600;
    char tmpl[] = "/tmp/mmaplab-grade-XXXXXX";
    const char *tmpdir = getenv("TMPDIR");
    char tmpl2[1024];
    char *top = NULL;
    if (tmpdir && *tmpdir && strlen(tmpdir) < 900) {
        snprintf(tmpl2, sizeof tmpl2, "%s/mmaplab-grade-XXXXXX", tmpdir);
        top = mkdtemp(tmpl2);
    }
    if (!top) top = mkdtemp(tmpl);
    if (!top) {
        snprintf(err, errlen, "cannot make a temporary folder: %s", strerror(errno));
        return MM_ERR_IO;
    }
    mm_status st = MM_OK;
    char tree[1100], student[1100], unpack[1100], root[1600], bats_tmp[1100];
    snprintf(tree, sizeof tree, "%s/tree", top);
    snprintf(student, sizeof student, "%s/student", top);
    snprintf(unpack, sizeof unpack, "%s/unpack", top);
    snprintf(bats_tmp, sizeof bats_tmp, "%s/tmp", top);
    struct worker *workers = NULL;

    st = find_submission(submission, unpack, root, sizeof root, err, errlen);
    if (st != MM_OK) goto out;
    /* Student code may run as another user: it must reach (not change)
     * the tree and its own folders below top. */
    if (chmod(top, 0711) != 0 || mkdir(tree, 0755) != 0 || mkdir(student, 0755) != 0 ||
        mkdir(bats_tmp, 0711) != 0 || chmod(student, 0755) != 0 || chmod(bats_tmp, 0711) != 0) {
        st = MM_ERR_IO;
        goto out;
    }
    st = build_tree(p, tree, err, errlen);
    if (st != MM_OK) goto out;

    struct paths fresh = *p;
    fresh.data = tree;
    char tools[1200];
    snprintf(tools, sizeof tools, "%s/tools", tree);
    fresh.tools = p->tools ? tools : NULL;
    char contain[1300], timeout_s[16];
    snprintf(contain, sizeof contain, "%s/contain", tools);
    snprintf(timeout_s, sizeof timeout_s, "%d", lab_timeout);
    const char *iso_env = getenv("MMAPLAB_GRADE_ISOLATION");
    int contained = fresh.tools && file_exists(contain) && !(iso_env && !strcmp(iso_env, "off"));

    out->labs = calloc(m->n ? m->n : 1, sizeof *out->labs);
    if (!out->labs) { st = MM_ERR_NOMEM; goto out; }
    size_t nlabs = 0; /* a local: the calls below leave it alone, as the analyser can see */
    for (size_t i = 0; i < m->n; i++) {
        const struct lab *lab = &m->labs[i];
        if (!wanted(opt->labs, lab->id)) continue;
        struct lab_grade *lg = &out->labs[nlabs++];
        out->n = nlabs;
        lg->lab = lab;
        out->max += lab->points;
        /* A missing file still runs the tests: the build test then fails
         * with the reason and the lab scores 0. */
        take_lab_files(lab, root, student, lg);
    }
    /* More workers than labs would only sit idle. */
    if ((size_t)jobs > nlabs) jobs = nlabs ? (int)nlabs : 1;
    out->jobs = jobs;
    workers = calloc((size_t)jobs, sizeof *workers);
    if (!workers) { st = MM_ERR_NOMEM; goto out; }
    char *chmod_s[] = { "chmod", "-R", "a+rX,go-w", student, NULL };
    if (run_quiet(chmod_s) != 0) { st = MM_ERR_IO; goto out; }

    char tmp_env[1200];
    snprintf(tmp_env, sizeof tmp_env, "TMPDIR=%s", bats_tmp);
    const char *sanitize = getenv("MMAPLAB_SANITIZE");
    int data_limit = !getenv("MMAPLAB_SANDBOX_DATA") && !(sanitize && !strcmp(sanitize, "1"));
    char *env[] = { tmp_env, data_limit ? "MMAPLAB_SANDBOX_DATA=" GRADE_DATA_LIMIT : NULL, NULL };

    size_t next = 0;
    int running = 0;
    char first_report[1300] = "";
    while (next < nlabs || running > 0) {
        while (next < nlabs && running < jobs) {
            const struct lab *lab = out->labs[next].lab;
            char report[1300], tap_file[1200];
            snprintf(report, sizeof report, "%s/contain-%s.txt", top, lab->id);
            snprintf(tap_file, sizeof tap_file, "%s/%s.tap", top, lab->id);
            if (!first_report[0]) snprintf(first_report, sizeof first_report, "%s", report);
            char *prefix[] = { "timeout", "-s", "KILL", timeout_s, contain, "--keep", top, "--report", report,
                               "--", NULL };
            if (!contained) prefix[4] = NULL;
            struct check_how how = { prefix, env };
            int slot = 0;
            while (workers[slot].pid > 0) slot++;
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) { st = MM_ERR_IO; goto out; }
            if (pid == 0) work(&fresh, lab, student, &how, tap_file);
            workers[slot] = (struct worker){ pid, next, now_s() };
            next++;
            running++;
        }
        int ws;
        pid_t done = waitpid(-1, &ws, 0);
        if (done < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int k = 0; k < jobs; k++) {
            if (workers[k].pid <= 0 || workers[k].pid != done) continue; /* free slots hold 0 */
            finish(out, &workers[k], ws, top, lab_timeout);
            workers[k].pid = 0;
            running--;
        }
    }
    describe_isolation(first_report, contained, out->isolation, sizeof out->isolation);
    out->seconds = now_s() - started;
out:
    free(workers);
    if (top) {
        char *rm[] = { "rm", "-rf", top, NULL };
        run_quiet(rm);
    }
    if (st != MM_OK && !err[0]) snprintf(err, errlen, "%s", mm_strerror(st));
    return st;
}
