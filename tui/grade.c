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
#include <unistd.h>

enum { MAX_STUDENT_FILE = 1 << 20 };

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
        if ((k == n && !strncmp(p, id, n)) || (k && atoi(p) == atoi(id) && k <= 3)) return 1;
        if (!e) break;
        p = e + 1;
    }
    return 0;
}

mm_status grade_run(const struct paths *p, const struct manifest *m, const char *submission,
                    const char *labs, struct grade *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    snprintf(out->submission, sizeof out->submission, "%s", submission);
    char tmpl[] = "/tmp/mmaplab-grade-XXXXXX";
    char *top = mkdtemp(tmpl);
    if (!top) {
        snprintf(err, errlen, "cannot make a temporary folder: %s", strerror(errno));
        return MM_ERR_IO;
    }
    mm_status st = MM_OK;
    char tree[1100], student[1100], unpack[1100], inner[1400], root[1600];
    snprintf(tree, sizeof tree, "%s/tree", top);
    snprintf(student, sizeof student, "%s/student", top);
    snprintf(unpack, sizeof unpack, "%s/unpack", top);

    /* 1. The submission, unpacked when it is an archive. */
    const char *sub = submission;
    if (!is_dir(submission)) {
        if (mkdir(unpack, 0700) != 0) { st = MM_ERR_IO; goto out; }
        int rc = -1;
        if (ends_with(submission, ".tar.gz") || ends_with(submission, ".tgz")) {
            char *argv[] = { "tar", "-xzf", (char *)submission, "-C", unpack, "--no-same-owner", NULL };
            rc = run_quiet(argv);
        } else if (ends_with(submission, ".zip")) {
            char *argv[] = { "unzip", "-q", (char *)submission, "-d", unpack, NULL };
            rc = run_quiet(argv);
        } else {
            snprintf(err, errlen, "%s is not a folder, a .tar.gz or a .zip", submission);
            st = MM_ERR_USAGE;
            goto out;
        }
        if (rc != 0) {
            snprintf(err, errlen, "cannot unpack %s", submission);
            st = MM_ERR_IO;
            goto out;
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
    /* A workspace holds labs/; an archive may hold one folder on top. */
    snprintf(root, sizeof root, "%s/labs", sub);
    if (!is_dir(root)) snprintf(root, sizeof root, "%s", sub);

    /* 2. The project's own harness, fresh for this run. */
    if (mkdir(tree, 0755) != 0 || mkdir(student, 0755) != 0) { st = MM_ERR_IO; goto out; }
    char *labs_dir = path_join(p->data, "labs"), *tests_dir = path_join(p->data, "tests");
    if (!labs_dir || !tests_dir) { free(labs_dir); free(tests_dir); st = MM_ERR_NOMEM; goto out; }
    char *cp1[] = { "cp", "-R", labs_dir, tree, NULL };
    char *cp2[] = { "cp", "-R", tests_dir, tree, NULL };
    int copied = run_quiet(cp1) == 0 && run_quiet(cp2) == 0;
    free(labs_dir);
    free(tests_dir);
    if (!copied) {
        snprintf(err, errlen, "cannot copy the harness into %s", tree);
        st = MM_ERR_IO;
        goto out;
    }

    /* 3. Each lab: only the manifest's student files, then its tests. */
    out->labs = calloc(m->n ? m->n : 1, sizeof *out->labs);
    if (!out->labs) { st = MM_ERR_NOMEM; goto out; }
    struct paths fresh = *p;
    fresh.data = tree;
    for (size_t i = 0; i < m->n; i++) {
        const struct lab *lab = &m->labs[i];
        if (!wanted(labs, lab->id)) continue;
        struct lab_grade *lg = &out->labs[out->n++];
        lg->lab = lab;
        out->max += lab->points;
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
        /* A missing file still runs the tests: the build test then fails
         * with the reason and the lab scores 0. */
        mm_status cst = lab_check(&fresh, lab, student, &lg->result);
        if (cst != MM_OK) {
            snprintf(lg->message, sizeof lg->message, "the tests could not run: %s", mm_strerror(cst));
            continue;
        }
        lg->ran = 1;
        out->score += lg->result.score;
    }
out:
    if (top) {
        char *rm[] = { "rm", "-rf", top, NULL };
        run_quiet(rm);
    }
    if (st != MM_OK && !err[0]) snprintf(err, errlen, "%s", mm_strerror(st));
    return st;
}
