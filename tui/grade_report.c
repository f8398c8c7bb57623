/* A grade written in each format a course needs: text for people, TAP for
 * any TAP consumer, JUnit XML for CI dashboards, Gradescope's and
 * Exercism's (version 3) results.json, and a CSV row for a class's
 * spreadsheet. */
#include "grade.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

int grade_format_parse(const char *name, enum grade_format *f)
{
    static const struct { const char *name; enum grade_format f; } names[] = {
        { "text", FORMAT_TEXT }, { "tap", FORMAT_TAP }, { "junit", FORMAT_JUNIT },
        { "gradescope", FORMAT_GRADESCOPE }, { "exercism", FORMAT_EXERCISM }, { "csv", FORMAT_CSV },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(name, names[i].name)) { *f = names[i].f; return 1; }
    return 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        case '\r': fputs("\\r", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void xml_text(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            /* XML 1.0 forbids most control characters even escaped. */
            if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r') fputc('?', f);
            else fputc(*p, f);
        }
    }
}

/* A test's failure message without bats' own trace lines, into buf. */
static const char *clean_diag(const char *diag, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = 0;
    for (const char *s = diag ? diag : ""; *s && o + 2 < size;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (!check_diag_noise(s, n) && strspn(s, " \t") < n) {
            size_t k = n < size - o - 2 ? n : size - o - 2;
            memcpy(buf + o, s, k);
            o += k;
            buf[o++] = '\n';
            buf[o] = 0;
        }
        if (!e) break;
        s = e + 1;
    }
    if (o && buf[o - 1] == '\n') buf[o - 1] = 0;
    return buf;
}

static int points_of(const struct tap_test *t)
{
    return t->points > 0 ? t->points : 0;
}

static void write_text(FILE *f, const struct grade *g)
{
    fprintf(f, "Submission: %s\n", g->submission);
    if (g->isolation[0]) fprintf(f, "Isolation: %s\n", g->isolation);
    if (g->jobs > 0)
        fprintf(f, "Graded: %d lab%s at a time, in %.1f s\n", g->jobs, g->jobs == 1 ? "" : "s", g->seconds);
    fputc('\n', f);
    for (size_t i = 0; i < g->n; i++) {
        const struct lab_grade *lg = &g->labs[i];
        if (i) fputc('\n', f);
        if (lg->message[0]) fprintf(f, "Lab %s: %s\n", lg->lab->id, lg->message);
        if (lg->ran) lab_result_print(f, lg->lab, &lg->result, 0);
        else fprintf(f, "Lab %s %s: 0/%d\n", lg->lab->id, lg->lab->slug, lg->lab->points);
    }
    fprintf(f, "\nTotal: %d/%d\n", g->score, g->max);
}

static void write_tap(FILE *f, const struct grade *g)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) n += g->labs[i].ran ? g->labs[i].result.tap.n : 1;
    fprintf(f, "1..%zu\n", n);
    if (g->isolation[0]) fprintf(f, "# isolation: %s\n", g->isolation);
    if (g->jobs > 0) fprintf(f, "# graded: %d at a time, in %.1f s\n", g->jobs, g->seconds);
    size_t k = 0;
    char diag[4096];
    for (size_t i = 0; i < g->n; i++) {
        const struct lab_grade *lg = &g->labs[i];
        if (!lg->ran) {
            fprintf(f, "not ok %zu - lab %s %s: %s\n", ++k, lg->lab->id, lg->lab->slug, lg->message);
            continue;
        }
        for (size_t t = 0; t < lg->result.tap.n; t++) {
            const struct tap_test *x = &lg->result.tap.tests[t];
            int ok = x->outcome == TAP_PASS || x->outcome == TAP_SKIP;
            fprintf(f, "%s %zu - lab %s [%d] %s%s\n", ok ? "ok" : "not ok", ++k, lg->lab->id, points_of(x),
                    x->name, x->outcome == TAP_SKIP ? " # SKIP" : "");
            if (!ok) {
                clean_diag(x->diag, diag, sizeof diag);
                for (char *s = diag; *s;) {
                    char *e = strchr(s, '\n');
                    if (e) *e = 0;
                    fprintf(f, "# %s\n", s);
                    if (!e) break;
                    s = e + 1;
                }
            }
        }
    }
}

static void write_junit(FILE *f, const struct grade *g)
{
    size_t tests = 0, failures = 0;
    for (size_t i = 0; i < g->n; i++) {
        const struct lab_grade *lg = &g->labs[i];
        if (!lg->ran) { tests++; failures++; continue; }
        tests += lg->result.tap.n;
        failures += (size_t)lg->result.failed;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"mmaplab\" tests=\"%zu\" failures=\"%zu\">\n", tests, failures);
    char diag[4096];
    for (size_t i = 0; i < g->n; i++) {
        const struct lab_grade *lg = &g->labs[i];
        size_t n = lg->ran ? lg->result.tap.n : 1;
        size_t fails = lg->ran ? (size_t)lg->result.failed : 1;
        size_t skips = lg->ran ? (size_t)lg->result.skipped : 0;
        fprintf(f, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
                lg->lab->dir, n, fails, skips);
        if (!lg->ran) {
            fprintf(f, "    <testcase classname=\"%s\" name=\"the lab could not be tested\">\n", lg->lab->dir);
            fprintf(f, "      <failure message=\"");
            xml_text(f, lg->message);
            fprintf(f, "\"/>\n    </testcase>\n");
        }
        for (size_t t = 0; lg->ran && t < lg->result.tap.n; t++) {
            const struct tap_test *x = &lg->result.tap.tests[t];
            fprintf(f, "    <testcase classname=\"%s\" name=\"", lg->lab->dir);
            xml_text(f, x->name);
            fprintf(f, " [%d]\">\n", points_of(x));
            if (x->outcome == TAP_SKIP) {
                fprintf(f, "      <skipped message=\"");
                xml_text(f, x->reason);
                fprintf(f, "\"/>\n");
            } else if (x->outcome != TAP_PASS) {
                clean_diag(x->diag, diag, sizeof diag);
                fprintf(f, "      <failure message=\"");
                xml_text(f, lg->message[0] ? lg->message : "test failed");
                fprintf(f, "\">");
                xml_text(f, diag);
                fprintf(f, "</failure>\n");
            }
            fprintf(f, "    </testcase>\n");
        }
        fprintf(f, "  </testsuite>\n");
    }
    fprintf(f, "</testsuites>\n");
}

static void write_gradescope(FILE *f, const struct grade *g)
{
    char diag[4096];
    fprintf(f, "{\n  \"score\": %d,\n  \"max_score\": %d,\n  \"output\": ", g->score, g->max);
    /* The summary names what kept a lab from being graded normally. */
    char summary[4096];
    size_t o = (size_t)snprintf(summary, sizeof summary, "mmaplab: %d/%d points", g->score, g->max);
    for (size_t i = 0; i < g->n && o < sizeof summary; i++)
        if (g->labs[i].message[0])
            o += (size_t)snprintf(summary + o, sizeof summary - o, "\nlab %s: %s", g->labs[i].lab->id,
                                  g->labs[i].message);
    if (g->isolation[0] && o < sizeof summary)
        snprintf(summary + o, sizeof summary - o, "\nisolation: %s", g->isolation);
    json_str(f, summary);
    fprintf(f, ",\n  \"tests\": [");
    int first = 1;
    for (size_t i = 0; i < g->n; i++) {
        const struct lab_grade *lg = &g->labs[i];
        if (!lg->ran) {
            fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
            char name[160];
            snprintf(name, sizeof name, "lab %s %s", lg->lab->id, lg->lab->slug);
            json_str(f, name);
            fprintf(f, ", \"score\": 0, \"max_score\": %d, \"status\": \"failed\", \"output\": ", lg->lab->points);
            json_str(f, lg->message);
            fprintf(f, ", \"visibility\": \"visible\"}");
            first = 0;
            continue;
        }
        for (size_t t = 0; t < lg->result.tap.n; t++) {
            const struct tap_test *x = &lg->result.tap.tests[t];
            char name[600];
            snprintf(name, sizeof name, "lab %s: %s", lg->lab->id, x->name);
            int pass = x->outcome == TAP_PASS;
            fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
            json_str(f, name);
            fprintf(f, ", \"score\": %d, \"max_score\": %d, \"status\": \"%s\", \"output\": ", pass ? points_of(x) : 0,
                    points_of(x), pass ? "passed" : "failed");
            if (x->outcome == TAP_SKIP) json_str(f, x->reason ? x->reason : "skipped");
            else json_str(f, pass ? "" : clean_diag(x->diag, diag, sizeof diag));
            fprintf(f, ", \"visibility\": \"visible\"}");
            first = 0;
        }
    }
    fprintf(f, "\n  ]\n}\n");
}

static void write_exercism(FILE *f, const struct grade *g)
{
    char diag[4096];
    int all = 1, error = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (!g->labs[i].ran) error = 1;
        else if (g->labs[i].result.failed || !g->labs[i].result.complete) all = 0;
    }
    fprintf(f, "{\n  \"version\": 3,\n  \"status\": \"%s\",\n  \"message\": ", error ? "error" : all ? "pass" : "fail");
    if (error) {
        for (size_t i = 0; i < g->n; i++)
            if (!g->labs[i].ran) { json_str(f, g->labs[i].message); break; }
    } else {
        fputs("null", f);
    }
    fprintf(f, ",\n  \"tests\": [");
    int first = 1;
    for (size_t i = 0; i < g->n; i++) {
        const struct lab_grade *lg = &g->labs[i];
        for (size_t t = 0; lg->ran && t < lg->result.tap.n; t++) {
            const struct tap_test *x = &lg->result.tap.tests[t];
            char name[600];
            snprintf(name, sizeof name, "lab %s: %s", lg->lab->id, x->name);
            int pass = x->outcome == TAP_PASS || x->outcome == TAP_SKIP;
            fprintf(f, "%s\n    {\"name\": ", first ? "" : ",");
            json_str(f, name);
            fprintf(f, ", \"status\": \"%s\", \"message\": ", pass ? "pass" : "fail");
            if (pass) fputs("null", f);
            else json_str(f, clean_diag(x->diag, diag, sizeof diag));
            fprintf(f, ", \"output\": null}");
            first = 0;
        }
    }
    fprintf(f, "\n  ]\n}\n");
}

/* ---- CSV ---------------------------------------------------------------- */

/* A spreadsheet runs a cell that starts with = + - @ (or a tab or CR) as a
 * formula, and a student names their own folder: such a cell gets a
 * leading apostrophe, which spreadsheets show as text. Scores are never
 * negative, so no number is touched. */
static int formula_like(const char *s)
{
    return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

void grade_csv_field(FILE *f, const char *s, int last)
{
    s = s ? s : "";
    int formula = formula_like(s);
    if (formula || strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        if (formula) fputc('\'', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputs(last ? "\r\n" : ",", f);
}

static void csv_header_end(FILE *f)
{
    grade_csv_field(f, "total", 0);
    grade_csv_field(f, "max", 0);
    grade_csv_field(f, "status", 1);
}

void grade_csv_header(FILE *f, const char *const *lab_ids, size_t n)
{
    grade_csv_field(f, "student", 0);
    for (size_t i = 0; i < n; i++) grade_csv_field(f, lab_ids[i], 0);
    csv_header_end(f);
}

static void csv_int(FILE *f, int v)
{
    char num[16];
    snprintf(num, sizeof num, "%d", v);
    grade_csv_field(f, num, 0);
}

void grade_csv_failure_row(FILE *f, const char *student, size_t nlabs, int max, const char *status)
{
    grade_csv_field(f, student, 0);
    for (size_t i = 0; i <= nlabs; i++) csv_int(f, 0); /* each lab, then the total */
    csv_int(f, max);
    grade_csv_field(f, status, 1);
}

/* Names that say nothing about the student (".", a bare "/"): the real
 * folder's name instead. */
static char *name_of_real_path(const char *submission)
{
    char *real = realpath(submission, NULL);
    if (!real) return NULL;
    const char *slash = strrchr(real, '/');
    char *name = strdup(slash && slash[1] ? slash + 1 : real);
    free(real);
    return name;
}

char *grade_student_name(const char *submission)
{
    size_t n = strlen(submission);
    while (n > 1 && submission[n - 1] == '/') n--;
    const char *base = submission;
    for (size_t i = 0; i + 1 < n; i++)
        if (submission[i] == '/') base = submission + i + 1;
    size_t len = n - (size_t)(base - submission);
    static const char *const suffixes[] = { ".tar.gz", ".tgz", ".zip" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (len > k && !memcmp(base + len - k, suffixes[i], k)) { len -= k; break; }
    }
    if ((len == 1 && (base[0] == '.' || base[0] == '/')) || (len == 2 && !memcmp(base, "..", 2))) {
        char *real = name_of_real_path(submission);
        if (real) return real;
    }
    return xstrndup(base, len);
}

/* A lab whose tests could not run (not the student's doing) makes the
 * row "incomplete", so a teacher sees it instead of a silent 0. */
static void csv_status(const struct grade *g, char *buf, size_t size)
{
    snprintf(buf, size, "graded");
    for (size_t i = 0; i < g->n; i++)
        if (!g->labs[i].ran) {
            snprintf(buf, size, "incomplete: lab %s: %s", g->labs[i].lab->id, g->labs[i].message);
            return;
        }
}

static void write_csv(FILE *f, const struct grade *g)
{
    grade_csv_field(f, "student", 0);
    for (size_t i = 0; i < g->n; i++) grade_csv_field(f, g->labs[i].lab->id, 0);
    csv_header_end(f);
    char *student = grade_student_name(g->submission);
    grade_csv_field(f, student ? student : "", 0);
    free(student);
    for (size_t i = 0; i < g->n; i++) csv_int(f, g->labs[i].ran ? g->labs[i].result.score : 0);
    csv_int(f, g->score);
    csv_int(f, g->max);
    char status[700];
    csv_status(g, status, sizeof status);
    grade_csv_field(f, status, 1);
}

void grade_write(FILE *f, const struct grade *g, enum grade_format format)
{
    switch (format) {
    case FORMAT_TEXT: write_text(f, g); break;
    case FORMAT_TAP: write_tap(f, g); break;
    case FORMAT_JUNIT: write_junit(f, g); break;
    case FORMAT_GRADESCOPE: write_gradescope(f, g); break;
    case FORMAT_EXERCISM: write_exercism(f, g); break;
    case FORMAT_CSV: write_csv(f, g); break;
    }
}

void grade_write_failure(FILE *f, enum grade_format format, const char *why)
{
    switch (format) {
    case FORMAT_TEXT: fprintf(f, "The grader could not finish: %s\nTotal: 0\n", why); break;
    case FORMAT_TAP: fprintf(f, "1..1\nnot ok 1 - the grader could not finish: %s\n", why); break;
    case FORMAT_JUNIT:
        fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"mmaplab\" tests=\"1\" failures=\"1\">\n"
                   "  <testsuite name=\"grader\" tests=\"1\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"
                   "    <testcase classname=\"grader\" name=\"the grader finished\">\n      <failure message=\"");
        xml_text(f, why);
        fprintf(f, "\"/>\n    </testcase>\n  </testsuite>\n</testsuites>\n");
        break;
    case FORMAT_GRADESCOPE:
        fprintf(f, "{\n  \"score\": 0,\n  \"output\": ");
        json_str(f, why);
        fprintf(f, ",\n  \"tests\": []\n}\n");
        break;
    case FORMAT_EXERCISM:
        fprintf(f, "{\n  \"version\": 3,\n  \"status\": \"error\",\n  \"message\": ");
        json_str(f, why);
        fprintf(f, ",\n  \"tests\": []\n}\n");
        break;
    case FORMAT_CSV:
        /* No labs are known here (the manifest may be what failed). */
        grade_csv_header(f, NULL, 0);
        grade_csv_failure_row(f, "", 0, 0, why);
        break;
    }
}
