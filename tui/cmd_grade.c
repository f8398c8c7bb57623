/* mmaplab grade [--format F] [--output FILE] [--labs LIST] [SUBMISSION]
 *
 * With --output, a results file saying the grader did not finish is
 * written first and replaced atomically at the end, so a grader that dies
 * on the way still leaves a results file behind. */
#include "cli.h"
#include "course.h"
#include "grade.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: mmaplab grade [--format text|tap|junit|gradescope|exercism|csv] [--output FILE]\n"
                    "                     [--output-dir DIR] [--labs LIST] [--jobs N] [--lab-timeout S]\n"
                    "                     [SUBMISSION]\n"
                    "  --jobs N grades N labs at once (default: one per CPU); --lab-timeout S stops\n"
                    "  one lab's tests after S seconds (default 600) and scores what finished\n"
                    "  --output-dir DIR writes every format: results.txt, results.tap, results.xml,\n"
                    "  gradescope.json, exercism.json and scores.csv\n"
                    "  SUBMISSION: a folder of NN-slug/ lab folders, a workspace holding labs/,\n"
                    "  or a .tar.gz or .zip of either (default: your workspace's labs/)\n");
    return 2;
}

/* Render a report in memory, then replace the file atomically. */
static int write_to(const char *path, void (*fn)(FILE *, const void *, enum grade_format), const void *arg,
                    enum grade_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -1;
    fn(f, arg, fmt);
    if (fclose(f) != 0) { free(buf); return -1; }
    mm_status st = write_file_atomic(path, buf, len);
    free(buf);
    return st == MM_OK ? 0 : -1;
}

static void put_failure(FILE *f, const void *why, enum grade_format fmt)
{
    grade_write_failure(f, fmt, why);
}

static void put_grade(FILE *f, const void *g, enum grade_format fmt)
{
    grade_write(f, g, fmt);
}

static int positive(const char *s, int *out, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 1 || v > 100000) {
        fprintf(stderr, "mmaplab grade: %s needs a whole number from 1 up, got '%s'\n", what, s);
        return 0;
    }
    *out = (int)v;
    return 1;
}

int cmd_grade(const struct cli *c, int argc, char **argv)
{
    (void)c;
    enum grade_format fmt = FORMAT_TEXT;
    const char *output = NULL, *submission = NULL, *outdir = NULL;
    struct grade_options opt = { NULL, 0, 600 }; /* 0 jobs: one per usable CPU */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            if (!grade_format_parse(argv[++i], &fmt)) {
                fprintf(stderr, "mmaplab grade: unknown format '%s'\n", argv[i]);
                return usage();
            }
        } else if (!strcmp(argv[i], "--output") && i + 1 < argc) output = argv[++i];
        else if (!strcmp(argv[i], "--output-dir") && i + 1 < argc) outdir = argv[++i];
        else if (!strcmp(argv[i], "--labs") && i + 1 < argc) opt.labs = argv[++i];
        else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) {
            if (!positive(argv[++i], &opt.jobs, "--jobs")) return usage();
        } else if (!strcmp(argv[i], "--lab-timeout") && i + 1 < argc) {
            if (!positive(argv[++i], &opt.lab_timeout, "--lab-timeout")) return usage();
        }
        else if (argv[i][0] != '-' && !submission) submission = argv[i];
        else return usage();
    }
    if (output && write_to(output, put_failure, "the grader started but did not finish", fmt) != 0) {
        fprintf(stderr, "mmaplab grade: cannot write %s\n", output);
        return 1;
    }
    struct paths p;
    struct manifest m;
    if (!course_open(&p, &m, "grade")) {
        if (output) write_to(output, put_failure, "the grader cannot find its data", fmt);
        return 1;
    }
    char *def = NULL;
    if (!submission) submission = def = path_join(p.workspace, "labs");
    char err[600] = "";
    struct grade g;
    mm_status st = submission ? grade_run(&p, &m, submission, &opt, &g, err, sizeof err) : MM_ERR_NOMEM;
    int rc;
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab grade: %s\n", err);
        if (output) write_to(output, put_failure, err, fmt);
        rc = 1;
    } else {
        if (output) {
            if (write_to(output, put_grade, &g, fmt) != 0) fprintf(stderr, "mmaplab grade: cannot write %s\n", output);
            printf("%s: %d/%d\n", submission, g.score, g.max);
        } else if (!outdir) {
            grade_write(stdout, &g, fmt);
        }
        if (outdir) {
            /* Every format at once, from one grading run. */
            static const struct { const char *file; enum grade_format f; } all[] = {
                { "results.txt", FORMAT_TEXT }, { "results.tap", FORMAT_TAP }, { "results.xml", FORMAT_JUNIT },
                { "gradescope.json", FORMAT_GRADESCOPE }, { "exercism.json", FORMAT_EXERCISM },
                { "scores.csv", FORMAT_CSV },
            };
            for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
                char *path = path_join(outdir, all[k].file);
                if (!path || write_to(path, put_grade, &g, all[k].f) != 0)
                    fprintf(stderr, "mmaplab grade: cannot write %s/%s\n", outdir, all[k].file);
                free(path);
            }
            printf("%s: %d/%d\n", submission, g.score, g.max);
        }
        rc = g.score == g.max ? 0 : 1;
    }
    grade_free(&g);
    free(def);
    course_close(&p, &m);
    return rc;
}
