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
    char isolation[600];    /* how student code was contained, in words */
    int jobs;               /* labs that were graded at once */
    double seconds;         /* wall-clock time of the whole grading */
};

struct grade_options {
    const char *labs;   /* comma-separated ids, or NULL for all */
    int jobs;           /* labs graded at once (0: one per usable CPU) */
    int lab_timeout;    /* seconds for one lab's whole test run (0: 600) */
};

/* submission: a folder laid out like labs/ (NN-slug/ folders), a
 * workspace holding labs/, or a .tar.gz / .tgz / .zip of either.
 * Student code runs contained (tests/lib/contain.c) unless
 * MMAPLAB_GRADE_ISOLATION=off. */
mm_status grade_run(const struct paths *p, const struct manifest *m, const char *submission,
                    const struct grade_options *opt, struct grade *out, char *err, size_t errlen);
void grade_free(struct grade *g);

enum grade_format { FORMAT_TEXT, FORMAT_TAP, FORMAT_JUNIT, FORMAT_GRADESCOPE, FORMAT_EXERCISM, FORMAT_CSV };

int grade_format_parse(const char *name, enum grade_format *f);
void grade_write(FILE *f, const struct grade *g, enum grade_format format);
/* What a results file says when the grader could not finish. */
void grade_write_failure(FILE *f, enum grade_format format, const char *why);

/* CSV (RFC 4180: CRLF line ends; a field holding a comma, a quote or a
 * line break is quoted, quotes doubled). One table for a class:
 *   student,<lab id>...,total,max,status
 * The header and rows are public so that `mmaplab grade-all` writes the
 * rows of students who could not be graded exactly like grade does. */
void grade_csv_field(FILE *f, const char *s, int last);
void grade_csv_header(FILE *f, const char *const *lab_ids, size_t n);
/* A row of zeros for a submission that could not be graded. */
void grade_csv_failure_row(FILE *f, const char *student, size_t nlabs, int max, const char *status);
/* The student a submission belongs to: its base name without a trailing
 * slash or a .tar.gz, .tgz or .zip suffix. Heap string, NULL when out of
 * memory. */
char *grade_student_name(const char *submission);

#endif
