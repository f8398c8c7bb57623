/* Grading a submission: a fresh tree of the project's own harness, tests
 * and provided files, plus only the student files the manifest lists,
 * copied from the submission; then each lab's tests, scored. */
#ifndef MMAPLAB_GRADE_H
#define MMAPLAB_GRADE_H

#include <stdio.h>
#include "check.h"
#include "manifest.h"
#include "paths.h"

struct lab_grade {
    const struct lab *lab;
    struct lab_result result;
    int ran;            /* the tests ran (else message says why) */
    char message[512];  /* missing or refused student files, runner errors */
};

struct grade {
    struct lab_grade *labs;
    size_t n;
    int score, max;
    char submission[1024];
};

/* submission: a folder laid out like labs/ (NN-slug/ folders), a
 * workspace holding labs/, or a .tar.gz / .tgz / .zip of either.
 * labs: comma-separated ids, or NULL for all. */
mm_status grade_run(const struct paths *p, const struct manifest *m, const char *submission,
                    const char *labs, struct grade *out, char *err, size_t errlen);
void grade_free(struct grade *g);

enum grade_format { FORMAT_TEXT, FORMAT_TAP, FORMAT_JUNIT, FORMAT_GRADESCOPE, FORMAT_EXERCISM };

int grade_format_parse(const char *name, enum grade_format *f);
void grade_write(FILE *f, const struct grade *g, enum grade_format format);
/* What a results file says when the grader could not finish. */
void grade_write_failure(FILE *f, enum grade_format format, const char *why);

#endif
