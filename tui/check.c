#include "check.h"
#include "runner.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

void lab_result_free(struct lab_result *r)
{
    tap_free(&r->tap);
    free(r->raw);
    memset(r, 0, sizeof *r);
}

static char *env_pair(const char *name, const char *value)
{
    size_t n = strlen(name) + strlen(value) + 2;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s=%s", name, value);
    return s;
}

mm_status lab_check_run(const struct paths *p, const struct lab *lab, const char *lab_root,
                        const struct check_how *how, char **raw)
{
    *raw = NULL;
    mm_status st = MM_ERR_NOMEM;
    char *tests = path_join(p->data, "tests/labs");
    char *bats_name = NULL, *bats_file = NULL, *root = NULL;
    enum { MAX_ENV = 16, MAX_ARGV = 32 };
    char *env[MAX_ENV] = {0};
    size_t bl = strlen(lab->dir) + 6;
    bats_name = malloc(bl);
    if (!tests || !bats_name) goto out;
    snprintf(bats_name, bl, "%s.bats", lab->dir);
    bats_file = path_join(tests, bats_name);
    root = lab_root ? realpath(lab_root, NULL) : path_join(p->workspace, "labs");
    if (!bats_file) goto out;
    if (!root) { st = MM_ERR_NO_LAB; goto out; }
    if (!file_exists(bats_file)) { st = MM_ERR_NO_DATA; goto out; }

    size_t k = 0;
    env[k++] = env_pair("MMAPLAB_ROOT", p->data);
    env[k++] = env_pair("LAB_ROOT", root);
    if (p->tools) env[k++] = env_pair("MMAPLAB_TOOLS", p->tools);
    for (size_t i = 0; i < k; i++)
        if (!env[i]) goto out;
    /* The caller's own strings are only borrowed: run_capture hands them
     * to putenv in the child. */
    char *run_env[MAX_ENV * 2] = {0};
    size_t e = 0;
    for (size_t i = 0; i < k; i++) run_env[e++] = env[i];
    const size_t env_cap = sizeof run_env / sizeof run_env[0];
    for (size_t i = 0; how && how->env && how->env[i] && e + 1 < env_cap; i++) run_env[e++] = how->env[i];

    char *argv[MAX_ARGV];
    size_t a = 0;
    for (size_t i = 0; how && how->prefix && how->prefix[i] && a + 4 < MAX_ARGV; i++) argv[a++] = how->prefix[i];
    argv[a++] = "bats";
    argv[a++] = "--tap";
    argv[a++] = bats_file;
    argv[a] = NULL;
    int ws = 0;
    st = run_capture(argv, run_env, raw, &ws);
    if (st != MM_OK) goto out;
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 127 && strstr(*raw, "cannot run bats")) {
        free(*raw);
        *raw = NULL;
        st = MM_ERR_NO_BATS;
    }
out:
    for (size_t i = 0; i < MAX_ENV; i++) free(env[i]);
    free(tests);
    free(bats_name);
    free(bats_file);
    free(root);
    return st;
}

mm_status lab_result_from_raw(const struct lab *lab, char *raw, struct lab_result *out)
{
    memset(out, 0, sizeof *out);
    out->raw = raw;
    mm_status st = tap_parse(out->raw, &out->tap);
    if (st != MM_OK) return st;
    out->max = lab->points;
    out->complete = tap_complete(&out->tap);
    for (size_t i = 0; i < out->tap.n; i++) {
        const struct tap_test *t = &out->tap.tests[i];
        int pts = t->points > 0 ? t->points : 0;
        out->test_points += pts;
        switch (t->outcome) {
        case TAP_PASS: out->passed++; out->score += pts; break;
        case TAP_SKIP: out->skipped++; break;
        default: out->failed++; break;
        }
    }
    if (out->score > out->max) out->score = out->max;
    return MM_OK;
}

mm_status lab_check(const struct paths *p, const struct lab *lab, const char *lab_root,
                    struct lab_result *out)
{
    memset(out, 0, sizeof *out);
    char *raw = NULL;
    mm_status st = lab_check_run(p, lab, lab_root, NULL, &raw);
    if (st != MM_OK) return st;
    return lab_result_from_raw(lab, raw, out);
}

/* bats' own location lines and batslib's frame help the test's author, not
 * the student. */
int check_diag_noise(const char *line, size_t n)
{
    while (n && (*line == ' ' || *line == '\t')) { line++; n--; }
    /* bats writes its stack trace over several lines:
     *   (from function `f' in file x, line 1,
     *    from function `g' in file y, line 2,
     *    in test file z.bats, line 3) */
    static const char *const prefixes[] = { "(in test file ", "(from function ", "from function `",
                                            "in test file ", "-- FAILED --", NULL };
    for (int i = 0; prefixes[i]; i++) {
        size_t m = strlen(prefixes[i]);
        if (n >= m && !strncmp(line, prefixes[i], m)) return 1;
    }
    if (n == 2 && !strncmp(line, "--", 2)) return 1;
    if (n >= 9 && line[0] == '`' && !strncmp(line + n - 8, "' failed", 8)) return 1;
    return 0;
}

static void print_diag(FILE *f, const char *diag, const char *indent)
{
    if (!diag) return;
    for (const char *s = diag; *s;) {
        const char *e = strchr(s, '\n');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        size_t blank = 1;
        for (size_t i = 0; i < n; i++)
            if (s[i] != ' ' && s[i] != '\t') { blank = 0; break; }
        if (!blank && !check_diag_noise(s, n)) {
            const char *t = s;
            size_t m = n;
            while (m && (*t == ' ')) { t++; m--; }
            fprintf(f, "%s%.*s\n", indent, (int)m, t);
        }
        if (!e) break;
        s = e + 1;
    }
}

void lab_result_print(FILE *f, const struct lab *lab, const struct lab_result *r, int colour)
{
    const char *good = colour ? "\033[32mGOOD\033[0m" : "GOOD";
    const char *bad = colour ? "\033[31mBAD \033[0m" : "BAD ";
    const char *skip = colour ? "\033[33mSKIP\033[0m" : "SKIP";
    fprintf(f, "Lab %s %s: %s\n", lab->id, lab->slug, lab->title);
    if (r->tap.preamble) print_diag(f, r->tap.preamble, "  ");
    for (size_t i = 0; i < r->tap.n; i++) {
        const struct tap_test *t = &r->tap.tests[i];
        const char *word = t->outcome == TAP_PASS ? good : t->outcome == TAP_SKIP ? skip : bad;
        char pts[32] = "";
        if (t->points > 0)
            snprintf(pts, sizeof pts, "%d/%d", t->outcome == TAP_PASS ? t->points : 0, t->points);
        fprintf(f, "  %s %5s  %s\n", word, pts, t->name);
        if (t->outcome == TAP_SKIP && t->reason) fprintf(f, "              %s\n", t->reason);
        if (t->outcome == TAP_FAIL || t->outcome == TAP_TODO_FAIL) print_diag(f, t->diag, "              ");
    }
    if (!r->complete) {
        fprintf(f, "  The test run ended early (%zu of %d tests reported)%s%s\n", r->tap.n,
                r->tap.planned, r->tap.bail_out ? ": " : ".", r->tap.bail_out ? r->tap.bail_out : "");
        if (r->tap.n == 0 && r->raw) {
            fprintf(f, "  The test runner printed:\n");
            print_diag(f, r->raw, "    ");
        }
    }
    if (r->test_points != r->max)
        fprintf(f, "  Note: the tests are worth %d points but labs/manifest says %d.\n",
                r->test_points, r->max);
    fprintf(f, "  Score: %d/%d (%d passed, %d failed, %d skipped)\n", r->score, r->max, r->passed,
            r->failed, r->skipped);
}
