/* Commands about the learner's workspace: init, progress, hint, reset. */
#include "cli.h"
#include "course.h"
#include "doc.h"
#include "hints.h"
#include "lessons.h"
#include "manifest.h"
#include "paths.h"
#include "progress.h"
#include "render_text.h"
#include "runner.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The data, the manifest and the progress, loaded together. */
struct ctx {
    struct paths p;
    struct manifest m;
    struct progress prog;
};

static int ctx_open(struct ctx *c, const char *cmd)
{
    memset(c, 0, sizeof *c);
    if (!course_open(&c->p, &c->m, cmd)) return 0;
    mm_status st = progress_load(&c->prog, c->p.workspace);
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab %s: %s\n", cmd, mm_strerror(st));
        course_close(&c->p, &c->m);
        return 0;
    }
    if (c->prog.warning[0]) fprintf(stderr, "mmaplab: %s\n", c->prog.warning);
    return 1;
}

static void ctx_close(struct ctx *c)
{
    progress_free(&c->prog);
    course_close(&c->p, &c->m);
}

static const struct lab *find_lab(struct ctx *c, const char *cmd, const char *key)
{
    const struct lab *l = manifest_find(&c->m, key);
    if (!l) fprintf(stderr, "mmaplab %s: no lab '%s'; `mmaplab list` shows the labs\n", cmd, key);
    return l;
}

/* Copy one file; the target's folder must exist. */
static int copy_file(const char *from, const char *to, mode_t mode)
{
    char *text;
    size_t len;
    if (read_file(from, &text, &len) != MM_OK) return -1;
    FILE *f = fopen(to, "wb");
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f && fclose(f) != 0) ok = 0;
    free(text);
    if (ok) chmod(to, mode);
    return ok ? 0 : -1;
}

static int copy_tree(const char *from, const char *to)
{
    if (mkdir(to, 0755) != 0 && errno != EEXIST) return -1;
    DIR *d = opendir(from);
    if (!d) return -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char *s = path_join(from, e->d_name), *t = path_join(to, e->d_name);
        struct stat st;
        if (!s || !t || stat(s, &st) != 0) rc = -1;
        else if (S_ISDIR(st.st_mode)) rc = copy_tree(s, t);
        else if (S_ISREG(st.st_mode)) rc = copy_file(s, t, st.st_mode & 0777);
        free(s);
        free(t);
    }
    closedir(d);
    return rc;
}

int cmd_init(const struct cli *cl, int argc, char **argv)
{
    (void)cl;
    if (argc != 2) {
        fprintf(stderr, "usage: mmaplab init DIR\n  makes DIR a workspace: a copy of every lab to work in\n");
        return 2;
    }
    const char *dir = argv[1];
    /* The workspace being made need not exist yet, even when named. */
    unsetenv("MMAPLAB_WORKSPACE");
    struct ctx c;
    if (!ctx_open(&c, "init")) return 1;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        int empty = 1;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
        closedir(d);
        if (!empty) {
            fprintf(stderr, "mmaplab init: %s is not empty; choose a new or empty folder\n", dir);
            ctx_close(&c);
            return 1;
        }
    } else if (mkdir(dir, 0755) != 0) {
        fprintf(stderr, "mmaplab init: cannot create %s: %s\n", dir, strerror(errno));
        ctx_close(&c);
        return 1;
    }
    char *from = path_join(c.p.data, "labs"), *to = path_join(dir, "labs");
    int rc = from && to && copy_tree(from, to) == 0 ? 0 : 1;
    if (rc) fprintf(stderr, "mmaplab init: copying the labs into %s failed: %s\n", dir, strerror(errno));
    else
        printf("Workspace ready in %s: your labs are in %s/labs.\n"
               "Work there; `mmaplab check NN` inside it checks your files.\n", dir, dir);
    free(from);
    free(to);
    ctx_close(&c);
    return rc;
}

int cmd_progress(const struct cli *cl, int argc, char **argv)
{
    (void)argv;
    if (argc != 1) {
        fprintf(stderr, "usage: mmaplab progress\n");
        return 2;
    }
    struct ctx c;
    if (!ctx_open(&c, "progress")) return 1;
    struct lesson_list ll;
    if (lessons_load(c.p.data, cl->lang, &ll) != MM_OK) {
        ctx_close(&c);
        return 1;
    }
    const char *resume = NULL;
    for (size_t i = 0; i < c.prog.n; i++)
        if (!strcmp(c.prog.e[i].kind, "last")) resume = c.prog.e[i].key;
    int read = 0;
    printf("Chapters:\n");
    for (size_t i = 0; i < ll.n; i++) {
        int r = progress_get(&c.prog, "read", ll.items[i].file) != NULL;
        struct progress_entry *q = progress_get(&c.prog, "quiz", ll.items[i].file);
        char quiz[32] = "";
        if (q) snprintf(quiz, sizeof quiz, "  (quiz %d/%d)", q->a, q->b);
        read += r;
        printf("  [%c] %.2s  %s%s%s\n", r ? 'x' : ' ', ll.items[i].file, ll.items[i].title, quiz,
               resume && !strcmp(resume, ll.items[i].file) ? "   <- resume here" : "");
    }
    int points = 0, max = 0;
    printf("\nLabs:\n");
    for (size_t i = 0; i < c.m.n; i++) {
        const struct lab *l = &c.m.labs[i];
        struct progress_entry *e = progress_get(&c.prog, "lab", l->id);
        struct progress_entry *h = progress_get(&c.prog, "hints", l->id);
        char score[32] = "not checked";
        if (e) snprintf(score, sizeof score, "%d/%d", e->a, e->b);
        printf("  %s  %-20s %-12s", l->id, l->slug, score);
        if (h) printf("  %d hint%s seen", h->a, h->a == 1 ? "" : "s");
        printf("\n");
        if (e) points += e->a;
        max += l->points;
    }
    printf("\n%d of %zu chapters read; %d of %d lab points.\n", read, ll.n, points, max);
    lessons_free(&ll);
    ctx_close(&c);
    return 0;
}

int cmd_hint(const struct cli *cl, int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: mmaplab hint LAB\n  shows the next hint of the lab, one more each time\n");
        return 2;
    }
    struct ctx c;
    if (!ctx_open(&c, "hint")) return 1;
    const struct lab *l = find_lab(&c, "hint", argv[1]);
    if (!l) { ctx_close(&c); return 2; }
    char rel[300];
    snprintf(rel, sizeof rel, "labs/%s/HINTS.md", l->dir);
    char *path = path_join(c.p.data, rel), *text = NULL;
    int rc = 1;
    if (!path || read_file(path, &text, NULL) != MM_OK) {
        fprintf(stderr, "mmaplab hint: lab %s has no HINTS.md\n", l->id);
    } else {
        int total = hints_count(text);
        const char *end;
        struct progress_entry *e = progress_get(&c.prog, "hints", l->id);
        int shown = e ? e->a : 0;
        int k = shown < total ? shown : total - 1;
        const char *h = total ? hints_section(text, k, &end) : NULL;
        if (!h) {
            fprintf(stderr, "mmaplab hint: lab %s has no hints\n", l->id);
        } else {
            struct doc d;
            struct layout lay;
            if (doc_parse(h, (size_t)(end - h), &d) == MM_OK) {
                if (doc_layout(&d, 80, cl->ascii, &lay) == MM_OK) {
                    render_layout(stdout, &lay, cl->colour ? 2 : 0);
                    layout_free(&lay);
                }
                doc_free(&d);
            }
            if (shown >= total) printf("\n(That was the last hint, %d of %d.)\n", total, total);
            else printf("\n(Hint %d of %d; run again for the next.)\n", k + 1, total);
            if (shown < total && (progress_set(&c.prog, "hints", l->id, shown + 1, 0) != MM_OK ||
                                  progress_save(&c.prog) != MM_OK))
                fprintf(stderr, "mmaplab hint: could not save progress in %s\n", c.prog.path);
            rc = 0;
        }
    }
    free(text);
    free(path);
    ctx_close(&c);
    return rc;
}

/* The pristine student file: the data's copy when the workspace is
 * separate, else the committed version from git. */
static char *pristine(struct ctx *c, const struct lab *l, const char *file, size_t *len)
{
    char rel[300];
    snprintf(rel, sizeof rel, "labs/%s/%s", l->dir, file);
    char *text = NULL;
    if (strcmp(c->p.data, c->p.workspace)) {
        char *p = path_join(c->p.data, rel);
        if (p) read_file(p, &text, len);
        free(p);
        return text;
    }
    char spec[320];
    snprintf(spec, sizeof spec, "HEAD:%s", rel);
    char *argv[] = { "git", "-C", c->p.data, "show", spec, NULL };
    int ws;
    if (run_capture(argv, NULL, &text, &ws) != MM_OK) return NULL;
    if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) { free(text); return NULL; }
    *len = strlen(text);
    return text;
}

int cmd_reset(const struct cli *cl, int argc, char **argv)
{
    (void)cl;
    int yes = 0;
    const char *key = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y")) yes = 1;
        else if (!key && argv[i][0] != '-') key = argv[i];
        else { key = NULL; break; }
    }
    if (!key) {
        fprintf(stderr, "usage: mmaplab reset [--yes] LAB\n"
                        "  puts the lab's untouched skeleton back, keeping a backup of your file\n");
        return 2;
    }
    struct ctx c;
    if (!ctx_open(&c, "reset")) return 1;
    const struct lab *l = find_lab(&c, "reset", key);
    if (!l) { ctx_close(&c); return 2; }
    if (!yes) {
        printf("Reset lab %s? Your %s will be replaced by the skeleton (a backup is kept). "
               "Type yes: ", l->id, l->files[0]);
        fflush(stdout);
        char answer[16] = "";
        if (!fgets(answer, sizeof answer, stdin) || strncmp(answer, "yes", 3)) {
            printf("\nNothing changed.\n");
            ctx_close(&c);
            return 1;
        }
    }
    int rc = 0;
    for (size_t i = 0; i < l->nfiles && rc == 0; i++) {
        size_t len = 0;
        char *text = pristine(&c, l, l->files[i], &len);
        char rel[300];
        snprintf(rel, sizeof rel, "labs/%s/%s", l->dir, l->files[i]);
        char *target = path_join(c.p.workspace, rel);
        if (!text || !target) {
            fprintf(stderr, "mmaplab reset: no pristine copy of %s; make a separate workspace with "
                            "`mmaplab init DIR`\n", rel);
            rc = 1;
        } else {
            char backup[4200];
            snprintf(backup, sizeof backup, "%s.bak-%ld", target, (long)time(NULL));
            if (file_exists(target) && rename(target, backup) != 0) {
                fprintf(stderr, "mmaplab reset: cannot keep a backup of %s: %s\n", target, strerror(errno));
                rc = 1;
            } else {
                FILE *f = fopen(target, "wb");
                if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
                    fprintf(stderr, "mmaplab reset: cannot write %s\n", target);
                    rc = 1;
                } else {
                    printf("%s is the skeleton again; your version is in %s\n", rel, backup);
                }
            }
        }
        free(text);
        free(target);
    }
    ctx_close(&c);
    return rc;
}
