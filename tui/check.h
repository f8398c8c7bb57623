/* Checking a lab: run its bats tests against the student's files and turn
 * the TAP they print into a scored result. */
#ifndef MMAPLAB_CHECK_H
#define MMAPLAB_CHECK_H

#include <stdio.h>
#include "manifest.h"
#include "paths.h"
#include "tap.h"

struct lab_result {
    struct tap_run tap;
    int score;
    int max;            /* from labs/manifest */
    int test_points;    /* the sum of the tests' [N] prefixes */
    int passed, failed, skipped;
    int complete;       /* the run reported every planned test */
    char *raw;          /* everything the runner printed */
};

/* lab_root: folder holding NN-slug/ folders with the student's files;
 * NULL means the workspace's labs/. */
mm_status lab_check(const struct paths *p, const struct lab *lab, const char *lab_root,
                    struct lab_result *out);
void lab_result_free(struct lab_result *r);

/* How the grader runs a lab: a command the test runner is started under
 * (a time limit, the namespaces of tests/lib/contain.c) and more
 * "NAME=value" environment strings. Either may be NULL. */
struct check_how {
    char *const *prefix;
    char *const *env;
};

/* The two halves of lab_check, for a grader that runs labs in parallel
 * processes: run the tests and keep what the runner printed, then score
 * it (lab_result_from_raw takes ownership of raw). */
mm_status lab_check_run(const struct paths *p, const struct lab *lab, const char *lab_root,
                        const struct check_how *how, char **raw);
mm_status lab_result_from_raw(const struct lab *lab, char *raw, struct lab_result *out);

/* Human-readable report: GOOD / BAD / SKIP per test, failure messages,
 * score. colour: use ANSI colours. */
/* bats' own location lines and batslib's frame, which help a test's author
 * but not a student. */
int check_diag_noise(const char *line, size_t n);

void lab_result_print(FILE *f, const struct lab *lab, const struct lab_result *r, int colour);

#endif
