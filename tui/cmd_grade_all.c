/* mmaplab grade-all SUBMISSIONS_DIR --csv FILE [--jobs N] [--reports DIR]
 *                   [--sshloginfile FILE] [--labs LIST]
 *
 * A whole class: each subfolder, .tar.gz, .tgz or .zip of SUBMISSIONS_DIR
 * is one student. GNU parallel runs
 *     mmaplab grade --labs IDS --output-dir REPORTS/<student> <submission>
 * once per student, on every core or on the machines of an sshloginfile.
 * Each student is graded by a process of its own, so a submission that
 * breaks its grader cannot stop the others. The class's CSV is then put
 * together from the students' scores.csv files; a student without one
 * still gets a row of zeros whose status says why. */
#include "cli.h"
#include "course.h"
#include "grade.h"
#include "runner.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CMD "mmaplab grade-all"

struct options {
    const char *dir, *csv, *jobs, *reports, *sshloginfile, *labs;
};

struct student {
    char *name;    /* the CSV's student column and the report folder's name */
    char *path;    /* absolute path of the submission */
    char *report;  /* absolute REPORTS/<name> */
    char *problem; /* why the student could not even be started, or NULL */
};

struct class_list {
    struct student *s;
    size_t n, cap;
};

/* The labs graded, in manifest order, and the same as a list of ids for
 * each `mmaplab grade` run: resolved once here, so the CSV's columns and
 * what every student is graded on cannot disagree. */
struct lab_set {
    const char **ids;
    size_t n;
    int max;
    char *list; /* "01,02" */
};

/* Where the results go: all absolute, so that jobs on other machines (a
 * shared file system) find the same places. */
struct places {
    char *dir, *csv, *reports;
};

static int usage(void)
{
    fprintf(stderr,
            "usage: mmaplab grade-all SUBMISSIONS_DIR --csv FILE [--jobs N] [--reports DIR]\n"
            "                         [--sshloginfile FILE] [--labs LIST]\n"
            "  Grades each subfolder, .tar.gz, .tgz or .zip of SUBMISSIONS_DIR as one student\n"
            "  (with GNU parallel) and writes one CSV row per student to FILE.\n"
            "  --jobs N             students graded at once (default: one per core)\n"
            "  --reports DIR        each student's reports (default: FILE without .csv, plus -reports/)\n"
            "  --sshloginfile FILE  also grade on the machines FILE lists (GNU parallel's format)\n"
            "  --labs LIST          comma-separated labs (default: every lab)\n");
    return 2;
}

/* ---- options ------------------------------------------------------------ */

static const char **option_slot(struct options *o, const char *name)
{
    if (!strcmp(name, "--csv")) return &o->csv;
    if (!strcmp(name, "--jobs")) return &o->jobs;
    if (!strcmp(name, "--reports")) return &o->reports;
    if (!strcmp(name, "--sshloginfile")) return &o->sshloginfile;
    if (!strcmp(name, "--labs")) return &o->labs;
    return NULL;
}

static int valid_jobs(const char *s)
{
    int n;
    return parse_count(s, 4, &n) && n > 0;
}

/* 1 when the options make sense; otherwise a message is printed. */
static int parse_args(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        const char **slot = option_slot(o, argv[i]);
        if (slot && i + 1 < argc) *slot = argv[++i];
        else if (slot) { fprintf(stderr, CMD ": %s needs a value\n", argv[i]); return 0; }
        else if (argv[i][0] != '-' && !o->dir) o->dir = argv[i];
        else { fprintf(stderr, CMD ": unexpected '%s'\n", argv[i]); return 0; }
    }
    if (!o->dir) {
        fprintf(stderr, CMD ": name the folder that holds the submissions (one folder or archive per student)\n");
        return 0;
    }
    if (!o->csv) {
        fprintf(stderr, CMD ": --csv FILE is missing: the file the class's grades are written to\n");
        return 0;
    }
    if (o->jobs && !valid_jobs(o->jobs)) {
        fprintf(stderr, CMD ": --jobs takes a number of students graded at once (1 or more), not '%s'\n", o->jobs);
        return 0;
    }
    return 1;
}

/* ---- places ------------------------------------------------------------- */

static int mkdir_p(const char *path)
{
    char *p = strdup(path);
    if (!p) return -1;
    int rc = 0;
    for (char *s = p + 1; rc == 0; s++) {
        if (*s && *s != '/') continue;
        char c = *s;
        *s = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) rc = -1;
        *s = c;
        if (!c) break;
    }
    free(p);
    struct stat st;
    if (rc == 0 && (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        rc = -1;
    }
    return rc;
}

/* The absolute path of a file that may not exist yet, in a folder that
 * must (a typo there should stop us before an hour of grading). */
static char *new_file_path(const char *path, char *err, size_t errlen)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    struct stat st;
    if (!*base || (stat(path, &st) == 0 && S_ISDIR(st.st_mode))) {
        snprintf(err, errlen, "--csv %s is a folder; name a file such as %s/grades.csv", path, path);
        return NULL;
    }
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    char *real = dir ? realpath(dir, NULL) : NULL;
    if (!real) snprintf(err, errlen, "the folder %s for --csv does not exist; create it first", dir ? dir : path);
    char *out = real ? path_join(real, base) : NULL;
    free(dir);
    free(real);
    return out;
}

/* An absolute path for a folder that may not exist yet (it is made only
 * once the run can start, so a refused run leaves nothing behind). */
static char *absolute(const char *path)
{
    if (path[0] == '/') return strdup(path);
    char *cwd = getcwd(NULL, 0);
    char *out = cwd ? path_join(cwd, path) : NULL;
    free(cwd);
    return out;
}

/* Default reports folder: grades.csv -> grades-reports/ beside it. */
static char *default_reports(const char *csv)
{
    size_t n = strlen(csv);
    if (n > 4 && !strcmp(csv + n - 4, ".csv")) n -= 4;
    char *out = malloc(n + sizeof "-reports");
    if (out) snprintf(out, n + sizeof "-reports", "%.*s-reports", (int)n, csv);
    return out;
}

static void places_free(struct places *pl)
{
    free(pl->dir);
    free(pl->csv);
    free(pl->reports);
    memset(pl, 0, sizeof *pl);
}

static int find_places(const struct options *o, struct places *pl)
{
    char err[1200] = "";
    memset(pl, 0, sizeof *pl);
    struct stat st;
    if (stat(o->dir, &st) != 0) {
        fprintf(stderr, CMD ": %s: no such folder; name the folder holding one folder or archive per student\n",
                o->dir);
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        fprintf(stderr, CMD ": %s is not a folder; put the submissions in one folder and name it\n", o->dir);
        return 0;
    }
    pl->dir = realpath(o->dir, NULL);
    pl->csv = new_file_path(o->csv, err, sizeof err);
    if (o->sshloginfile && access(o->sshloginfile, R_OK) != 0) {
        fprintf(stderr, CMD ": cannot read --sshloginfile %s: %s\n", o->sshloginfile, strerror(errno));
        places_free(pl);
        return 0;
    }
    if (!pl->dir || !pl->csv) {
        fprintf(stderr, CMD ": %s\n", err[0] ? err : "out of memory");
        places_free(pl);
        return 0;
    }
    pl->reports = o->reports ? absolute(o->reports) : default_reports(pl->csv);
    if (!pl->reports) {
        fprintf(stderr, CMD ": out of memory\n");
        places_free(pl);
        return 0;
    }
    return 1;
}

/* ---- labs --------------------------------------------------------------- */

static void lab_set_free(struct lab_set *ls)
{
    free(ls->ids);
    free(ls->list);
    memset(ls, 0, sizeof *ls);
}

static int listed(const char *list, const struct manifest *m, const struct lab *lab)
{
    if (!list) return 1;
    char *copy = strdup(list), *save = NULL;
    int hit = 0;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && !hit; t = strtok_r(NULL, ",", &save))
        hit = manifest_find(m, t) == lab;
    free(copy);
    return hit;
}

/* Every name in --labs must be a lab: a typo would otherwise grade a
 * class on nothing. */
static int unknown_lab(const char *list, const struct manifest *m)
{
    char *copy = strdup(list), *save = NULL;
    int bad = !copy;
    for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t && !bad; t = strtok_r(NULL, ",", &save))
        if (!manifest_find(m, t)) {
            fprintf(stderr, CMD ": --labs: no lab '%s'; `mmaplab list` shows the labs\n", t);
            bad = 1;
        }
    free(copy);
    return bad;
}

static int pick_labs(const struct manifest *m, const char *list, struct lab_set *ls)
{
    memset(ls, 0, sizeof *ls);
    if (list && unknown_lab(list, m)) return 0;
    ls->ids = calloc(m->n ? m->n : 1, sizeof *ls->ids);
    struct strbuf ids = { 0 };
    for (size_t i = 0; ls->ids && i < m->n; i++) {
        if (!listed(list, m, &m->labs[i])) continue;
        if (ls->n) sb_adds(&ids, ",");
        sb_adds(&ids, m->labs[i].id);
        ls->ids[ls->n++] = m->labs[i].id;
        ls->max += m->labs[i].points;
    }
    ls->list = ids.s;
    if (!ls->ids || !ls->list) {
        fprintf(stderr, CMD ": %s\n", ls->ids && !ids.failed ? "--labs names no lab" : "out of memory");
        lab_set_free(ls);
        return 0;
    }
    return 1;
}

/* ---- students ----------------------------------------------------------- */

static void class_free(struct class_list *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->s[i].name);
        free(c->s[i].path);
        free(c->s[i].report);
        free(c->s[i].problem);
    }
    free(c->s);
    memset(c, 0, sizeof *c);
}

static int is_archive(const char *name)
{
    static const char *const suffixes[] = { ".tar.gz", ".tgz", ".zip" };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && !strcmp(name + n - k, suffixes[i])) return 1;
    }
    return 0;
}

static int same_file(const struct stat *a, const char *path)
{
    struct stat b;
    return stat(path, &b) == 0 && a->st_dev == b.st_dev && a->st_ino == b.st_ino;
}

static int add_student(struct class_list *c, char *path, const char *reports)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct student *s = realloc(c->s, cap * sizeof *s);
        if (!s) { free(path); return -1; }
        c->s = s;
        c->cap = cap;
    }
    struct student *s = &c->s[c->n];
    memset(s, 0, sizeof *s);
    s->path = path;
    s->name = grade_student_name(path);
    s->report = s->name ? path_join(reports, s->name) : NULL;
    c->n++;
    return s->report ? 0 : -1;
}

/* A folder or an archive is a student; our own outputs (the reports
 * folder, the CSV) are not, so a CSV kept in SUBMISSIONS_DIR can be made
 * again; anything else is named and skipped. */
static int consider_entry(struct class_list *c, const struct places *pl, const char *name)
{
    char *path = path_join(pl->dir, name);
    struct stat st;
    if (!path) return -1;
    int known = stat(path, &st) == 0;
    int ours = known && (same_file(&st, pl->reports) || same_file(&st, pl->csv));
    if (known && !ours && (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && is_archive(name))))
        return add_student(c, path, pl->reports);
    if (!ours) fprintf(stderr, CMD ": skipping %s: not a folder, .tar.gz, .tgz or .zip\n", name);
    free(path);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct student *)a)->name, ((const struct student *)b)->name);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int list_students(const struct places *pl, struct class_list *c)
{
    memset(c, 0, sizeof *c);
    DIR *d = opendir(pl->dir);
    if (!d) {
        fprintf(stderr, CMD ": cannot read %s: %s\n", pl->dir, strerror(errno));
        return 0;
    }
    int ok = 1;
    for (struct dirent *e; ok && (e = readdir(d));)
        if (e->d_name[0] != '.') ok = consider_entry(c, pl, e->d_name) == 0; /* hidden files, . and .. */
    closedir(d);
    if (!ok) {
        fprintf(stderr, CMD ": out of memory\n");
        return 0;
    }
    if (!c->n) {
        fprintf(stderr, CMD ": %s holds no submissions; put one folder, .tar.gz, .tgz or .zip per student in it\n",
                pl->dir);
        return 0;
    }
    qsort(c->s, c->n, sizeof *c->s, by_name);
    for (size_t i = 1; i < c->n; i++)
        if (!strcmp(c->s[i - 1].name, c->s[i].name)) {
            fprintf(stderr, CMD ": %s and %s are both student '%s'; keep one of them\n", base_name(c->s[i - 1].path),
                    base_name(c->s[i].path), c->s[i].name);
            return 0;
        }
    return 1;
}

/* A fresh report folder: results of an earlier run must not pass for
 * this one's (a stale scores.csv would grade a now broken submission).
 * Only our own files are removed, never the folder: --reports may name a
 * folder that holds other things. */
static void prepare_report(struct student *s)
{
    static const char *const ours[] = { "scores.csv", "results.txt", "results.tap", "results.xml",
                                        "gradescope.json", "exercism.json", "grade.log", "exit-status" };
    char why[1400];
    if (mkdir(s->report, 0755) != 0 && errno != EEXIST) {
        snprintf(why, sizeof why, "failed: cannot create %s: %s", s->report, strerror(errno));
        s->problem = strdup(why);
        return;
    }
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++) {
        char *p = path_join(s->report, ours[i]);
        if (p && unlink(p) != 0 && errno != ENOENT) {
            snprintf(why, sizeof why, "failed: cannot remove the old %s: %s", p, strerror(errno));
            if (!s->problem) s->problem = strdup(why);
        }
        free(p);
    }
}

/* ---- GNU parallel -------------------------------------------------------- */

static int have_gnu_parallel(void)
{
    char *argv[] = { "parallel", "--version", NULL };
    char *out = NULL;
    int ws = 0;
    mm_status st = run_capture(argv, NULL, &out, &ws);
    int missing = st != MM_OK || !WIFEXITED(ws) || WEXITSTATUS(ws) == 127;
    int gnu = !missing && out && strstr(out, "GNU parallel");
    free(out);
    if (missing)
        fprintf(stderr, CMD ": GNU parallel is not installed; install it with: sudo apt-get install -y parallel\n");
    else if (!gnu)
        fprintf(stderr, CMD ": the `parallel` on PATH is not GNU parallel (moreutils' perhaps); "
                        "install it with: sudo apt-get install -y parallel\n");
    return gnu;
}

/* s in single quotes for sh. */
static void sh_quote(struct strbuf *b, const char *s)
{
    sb_adds(b, "'");
    for (; *s; s++) {
        if (*s == '\'') sb_adds(b, "'\\''");
        else sb_add(b, s, 1);
    }
    sb_adds(b, "'");
}

/* The job parallel runs per student, in plain sh whatever the login shell
 * of a remote machine is: sh -c SCRIPT MMAPLAB LABS REPORT SUBMISSION.
 * parallel quotes {1} (the submission) and {2} (its report folder). Every
 * path is absolute, so the job starts in / rather than in a folder that a
 * remote machine or the grader's sandbox may not have. The exit status is
 * kept so that a grader killed by a signal is named. Each student's labs
 * run one after another (--jobs 1): parallel already runs one student per
 * core, and more grading processes than cores only contend. */
static char *job_template(const char *exe, const char *labs)
{
    static const char script[] = "cd / && \"$0\" grade --jobs 1 --labs \"$1\" --output-dir \"$2\" \"$3\" >\"$2/grade.log\" 2>&1; "
                                 "echo $? >\"$2/exit-status\"";
    struct strbuf b = { 0 };
    sb_adds(&b, "sh -c ");
    sh_quote(&b, script);
    sb_adds(&b, " ");
    sh_quote(&b, exe);
    sb_adds(&b, " ");
    sh_quote(&b, labs);
    sb_adds(&b, " {2} {1}");
    return b.s;
}

static char *self_exe(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return NULL;
    buf[n] = 0;
    return strdup(buf);
}

/* parallel [--jobs N] [--sshloginfile F --env ...] [--bar] TEMPLATE
 *     ::: SUBMISSION... :::+ REPORT...   (heap array; strings borrowed) */
static char **parallel_argv(const struct options *o, const struct paths *p, const struct class_list *c,
                            char *tmpl)
{
    char **v = calloc(16 + 2 * c->n + 2, sizeof *v);
    if (!v) return NULL;
    size_t k = 0;
    v[k++] = "parallel";
    if (o->jobs) { v[k++] = "--jobs"; v[k++] = (char *)o->jobs; }
    if (o->sshloginfile) {
        v[k++] = "--sshloginfile";
        v[k++] = (char *)o->sshloginfile;
        /* Remote graders use the data and tools found here (run_parallel). */
        v[k++] = "--env";
        v[k++] = "MMAPLAB_DATA";
        if (p->tools) { v[k++] = "--env"; v[k++] = "MMAPLAB_TOOLS"; }
    }
    if (isatty(2)) v[k++] = "--bar";
    v[k++] = tmpl;
    v[k++] = ":::";
    for (size_t i = 0; i < c->n; i++)
        if (!c->s[i].problem) v[k++] = c->s[i].path;
    v[k++] = ":::+";
    for (size_t i = 0; i < c->n; i++)
        if (!c->s[i].problem) v[k++] = c->s[i].report;
    return v;
}

/* Run parallel with our terminal (for --bar and its own messages) but no
 * standard input: it must not wait for a list on stdin. Every student is
 * graded with the data and tools this run found (absolute paths), so the
 * CSV's columns and each student's labs agree. */
static int run_parallel(char **argv, const struct paths *p)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_RDONLY);
        if (fd >= 0) dup2(fd, 0);
        setenv("MMAPLAB_DATA", p->data, 1);
        if (p->tools) setenv("MMAPLAB_TOOLS", p->tools, 1);
        execvp(argv[0], argv);
        fprintf(stderr, CMD ": cannot run parallel: %s\n", strerror(errno));
        _exit(127);
    }
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
}

static int grade_students(const struct options *o, const struct paths *p, const struct lab_set *ls,
                          struct class_list *c)
{
    size_t todo = 0;
    for (size_t i = 0; i < c->n; i++) todo += !c->s[i].problem;
    if (!todo) return 0;
    char *exe = self_exe();
    char *tmpl = exe ? job_template(exe, ls->list) : NULL;
    char **argv = tmpl ? parallel_argv(o, p, c, tmpl) : NULL;
    int rc = argv ? run_parallel(argv, p) : -1;
    /* parallel's status counts failed jobs; ours always succeed (the job
     * ends with echo), so anything else is parallel's own trouble. */
    if (rc != 0)
        fprintf(stderr, CMD ": parallel %s (status %d); students it did not grade get a row saying so\n",
                rc < 0 ? "could not be run" : "reported a problem", rc);
    free(argv);
    free(tmpl);
    free(exe);
    return rc;
}

/* ---- the CSV ------------------------------------------------------------ */

struct record {
    char **f;
    size_t n, cap;
};

static void record_free(struct record *r)
{
    for (size_t i = 0; i < r->n; i++) free(r->f[i]);
    free(r->f);
    memset(r, 0, sizeof *r);
}

static int record_add(struct record *r, struct strbuf *b)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        char **f = realloc(r->f, cap * sizeof *f);
        if (!f) return -1; /* b is the caller's to free */
        r->f = f;
        r->cap = cap;
    }
    char *field = b->s ? b->s : strdup("");
    if (!field) return -1;
    r->f[r->n++] = field;
    memset(b, 0, sizeof *b);
    return 0;
}

/* One field from *p into b (RFC 4180); -1 when malformed. */
static int csv_field_parse(const char **p, struct strbuf *b)
{
    const char *s = *p;
    if (*s != '"') {
        size_t n = strcspn(s, ",\r\n\"");
        sb_add(b, s, n);
        *p = s + n;
        return s[n] == '"' ? -1 : 0;
    }
    for (s++;; s++) {
        if (!*s) return -1;
        if (*s == '"' && s[1] != '"') break;
        if (*s == '"') s++;
        sb_add(b, s, 1);
    }
    *p = s + 1;
    return strchr(",\r\n", **p) ? 0 : -1; /* also the final NUL */
}

/* One record from *p, which then points past its line end: 1, or 0 at
 * the end of the text, or -1 when malformed. */
static int csv_record(const char **p, struct record *r)
{
    memset(r, 0, sizeof *r);
    if (!**p) return 0;
    for (;;) {
        struct strbuf b = { 0 };
        if (csv_field_parse(p, &b) != 0 || b.failed || record_add(r, &b) != 0) {
            free(b.s);
            record_free(r);
            return -1;
        }
        if (**p != ',') break;
        (*p)++;
    }
    if (**p == '\r') (*p)++;
    if (**p == '\n') (*p)++;
    return 1;
}

static int header_matches(const struct record *h, const struct lab_set *ls)
{
    static const char *const tail[] = { "total", "max", "status" };
    if (h->n != ls->n + 4 || strcmp(h->f[0], "student")) return 0;
    for (size_t i = 0; i < ls->n; i++)
        if (strcmp(h->f[1 + i], ls->ids[i])) return 0;
    for (size_t i = 0; i < 3; i++)
        if (strcmp(h->f[1 + ls->n + i], tail[i])) return 0;
    return 1;
}

/* The student's row from REPORT/scores.csv, checked against the labs we
 * asked for: 1 (row filled), or 0 with why. */
static int read_scores(const struct student *s, const struct lab_set *ls, struct record *row, char *why,
                       size_t size)
{
    char *path = path_join(s->report, "scores.csv"), *text = NULL;
    memset(row, 0, sizeof *row);
    if (!path || read_file(path, &text, NULL) != MM_OK) {
        free(path);
        return 0; /* no scores.csv: the caller finds out why */
    }
    const char *p = text;
    struct record head;
    int ok = csv_record(&p, &head) == 1 && header_matches(&head, ls) && csv_record(&p, row) == 1;
    if (!ok) snprintf(why, size, "failed: %s is not a scores.csv for labs %s (another mmaplab version?)", path, ls->list);
    else if (row->n != head.n || strcmp(row->f[0], s->name)) {
        snprintf(why, size, "failed: the row in %s is not student '%s'", path, s->name);
        ok = 0;
    }
    if (!ok) record_free(row);
    record_free(&head);
    free(text);
    free(path);
    return ok;
}

/* The last "mmaplab grade: ..." message in REPORT/grade.log, or "". */
static void grade_error(const struct student *s, char *out, size_t size)
{
    static const char tag[] = "mmaplab grade: ";
    char *path = path_join(s->report, "grade.log"), *text = NULL;
    out[0] = 0;
    if (path && read_file(path, &text, NULL) == MM_OK) {
        for (char *line = text; line && *line;) {
            char *end = strchr(line, '\n');
            if (end) *end = 0;
            if (!strncmp(line, tag, sizeof tag - 1)) snprintf(out, size, "%s", line + sizeof tag - 1);
            line = end ? end + 1 : NULL;
        }
    }
    free(text);
    free(path);
}

static int exit_status(const struct student *s)
{
    char *path = path_join(s->report, "exit-status"), *text = NULL;
    int code = -1;
    if (path && read_file(path, &text, NULL) == MM_OK && text[0] >= '0' && text[0] <= '9') {
        long v = strtol(text, NULL, 10);
        code = v > 255 ? 255 : (int)v;
    }
    free(text);
    free(path);
    return code;
}

static void failure_reason(const struct student *s, char *why, size_t size)
{
    char msg[600];
    int code = exit_status(s);
    grade_error(s, msg, sizeof msg);
    if (msg[0]) snprintf(why, size, "failed: %s", msg);
    else if (code < 0)
        snprintf(why, size, "failed: the grader did not run or could not write to %s (see parallel's messages)",
                 s->report);
    else if (code == 127)
        snprintf(why, size, "failed: sh could not start the grader (on another machine, mmaplab must be "
                            "installed at the same path; see %s/grade.log)", s->report);
    else if (code > 128)
        snprintf(why, size, "failed: the grader was killed by signal %d (%s)", code - 128, strsignal(code - 128));
    else snprintf(why, size, "failed: the grader wrote no scores.csv (exit status %d; see %s/grade.log)", code, s->report);
}

/* The student's row into f; 1 when graded. */
static int student_row(FILE *f, const struct student *s, const struct lab_set *ls)
{
    char why[1600] = "";
    struct record row;
    if (!s->problem && read_scores(s, ls, &row, why, sizeof why)) {
        for (size_t i = 0; i < row.n; i++) grade_csv_field(f, row.f[i], i + 1 == row.n);
        int graded = !strcmp(row.f[row.n - 1], "graded");
        if (!graded) fprintf(stderr, CMD ": %s: %s\n", s->name, row.f[row.n - 1]);
        record_free(&row);
        return graded;
    }
    if (s->problem) snprintf(why, sizeof why, "%s", s->problem);
    else if (!why[0]) failure_reason(s, why, sizeof why);
    grade_csv_failure_row(f, s->name, ls->n, ls->max, why);
    fprintf(stderr, CMD ": %s: %s\n", s->name, why);
    return 0;
}

/* The whole CSV in memory, then written atomically: a spreadsheet never
 * sees half a class. */
static int write_csv(const struct places *pl, const struct class_list *c, const struct lab_set *ls, size_t *graded)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -1;
    grade_csv_header(f, ls->ids, ls->n);
    *graded = 0;
    for (size_t i = 0; i < c->n; i++) *graded += (size_t)student_row(f, &c->s[i], ls);
    if (fclose(f) != 0) { free(buf); return -1; }
    mm_status st = write_file_atomic(pl->csv, buf, len);
    free(buf);
    return st == MM_OK ? 0 : -1;
}

/* ---- the command -------------------------------------------------------- */

static int grade_class(const struct options *o, const struct places *pl, const struct paths *p,
                       const struct manifest *m)
{
    struct lab_set ls;
    struct class_list c;
    if (!pick_labs(m, o->labs, &ls)) return 1;
    if (!list_students(pl, &c) || !have_gnu_parallel()) {
        class_free(&c);
        lab_set_free(&ls);
        return 1;
    }
    if (mkdir_p(pl->reports) != 0) {
        fprintf(stderr, CMD ": cannot create the reports folder %s: %s\n", pl->reports, strerror(errno));
        class_free(&c);
        lab_set_free(&ls);
        return 1;
    }
    for (size_t i = 0; i < c.n; i++) prepare_report(&c.s[i]);
    grade_students(o, p, &ls, &c);
    size_t graded = 0;
    int rc = 0;
    if (write_csv(pl, &c, &ls, &graded) != 0) {
        fprintf(stderr, CMD ": cannot write %s: %s\n", pl->csv, strerror(errno));
        rc = 1;
    }
    printf("%s: %zu student%s: %zu graded, %zu failed; grades in %s, reports in %s/\n", CMD, c.n,
           c.n == 1 ? "" : "s", graded, c.n - graded, pl->csv, pl->reports);
    if (graded != c.n) rc = 1;
    class_free(&c);
    lab_set_free(&ls);
    return rc;
}

int cmd_grade_all(const struct cli *cl, int argc, char **argv)
{
    (void)cl;
    struct options o;
    if (!parse_args(argc, argv, &o)) return usage();
    struct paths p;
    struct manifest m;
    if (!course_open(&p, &m, "grade-all")) return 1;
    struct places pl;
    int rc = find_places(&o, &pl) ? grade_class(&o, &pl, &p, &m) : 1;
    places_free(&pl);
    course_close(&p, &m);
    return rc;
}
