/* The one TAP reader of the project: turns the output of bats --tap into
 * test results. Test names may start with "[N] " to say the test is worth N
 * points (0: checked, not graded); that prefix is the only place points are
 * written. */
#ifndef MMAPLAB_TAP_H
#define MMAPLAB_TAP_H

#include <stdbool.h>
#include <stddef.h>
#include "errors.h"

enum tap_outcome { TAP_PASS, TAP_FAIL, TAP_SKIP, TAP_TODO_FAIL };

struct tap_test {
    int number;
    enum tap_outcome outcome;
    char *name;       /* without the points prefix */
    int points;       /* -1 when the name has no [N] prefix */
    char *reason;     /* skip/todo reason, or NULL */
    char *diag;       /* the "# " lines that followed it, joined by '\n' */
};

struct tap_run {
    struct tap_test *tests;
    size_t n;
    int planned;       /* -1 without a plan line */
    char *bail_out;    /* "Bail out!" reason, or NULL */
    char *preamble;    /* diagnostics before the first test (setup_file errors) */
};

mm_status tap_parse(const char *text, struct tap_run *out);
void tap_free(struct tap_run *r);

/* A run is complete when it has a plan and one result per planned test. */
bool tap_complete(const struct tap_run *r);

#endif
