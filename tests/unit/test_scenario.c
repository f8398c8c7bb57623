/* The playground scenario parser (tui/scenario.c): actions, expectations,
 * whole scenarios, and every way a scenario can be malformed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scenario.h"
#include "unit.h"

static int parses(const char *text, struct scenario *s, struct scn_error *e)
{
    return scenario_parse(text, strlen(text), s, e) == 0;
}

static int fails_at(const char *text, size_t line, const char *fragment)
{
    struct scenario s;
    struct scn_error e;
    if (scenario_parse(text, strlen(text), &s, &e) == 0) {
        scenario_free(&s);
        return 0;
    }
    if (e.line != line || !strstr(e.message, fragment)) {
        printf("# got line %zu: %s\n", e.line, e.message);
        return 0;
    }
    return 1;
}

int main(void)
{
    struct pg_request r;
    char why[200], buf[128];

    /* Actions. */
    CHECK(pg_request_parse("madvise dontneed 0 8", 20, &r, why, sizeof why) == 0 && r.op == PG_MADV_DONTNEED &&
              r.first == 0 && r.count == 8,
          "an action with a range");
    CHECK(pg_request_parse("fadvise dontneed", 16, &r, why, sizeof why) == 0 && r.op == PG_FADV_DONTNEED && r.count == -1,
          "an optional range left out means the whole mapping");
    CHECK(pg_request_parse("  read   7 ", 11, &r, why, sizeof why) == 0 && r.op == PG_READ && r.first == 7 && r.count == 1,
          "blanks around and between words");
    CHECK(pg_request_parse("truncate 32", 11, &r, why, sizeof why) == 0 && r.op == PG_TRUNCATE && r.first == 32,
          "truncate takes a size in pages");
    CHECK(pg_request_parse("map private", 11, &r, why, sizeof why) == 0 && r.op == PG_MAP_PRIVATE, "map private");
    CHECK(pg_request_parse("fork-write 9", 12, &r, why, sizeof why) == 0 && r.op == PG_FORK_WRITE && r.first == 9,
          "fork-write");
    CHECK(pg_request_parse("frobnicate 1", 12, &r, why, sizeof why) != 0 && strstr(why, "unknown action"),
          "an unknown action is refused");
    CHECK(pg_request_parse("madvise sometimes", 17, &r, why, sizeof why) != 0 && strstr(why, "needs one of its words"),
          "an unknown advice is refused");
    CHECK(pg_request_parse("touch 3", 7, &r, why, sizeof why) != 0 && strstr(why, "a first page and a page count"),
          "touch needs two numbers");
    CHECK(pg_request_parse("read -1", 7, &r, why, sizeof why) != 0, "negative pages are refused");
    CHECK(pg_request_parse("read 99999999", 13, &r, why, sizeof why) != 0, "huge numbers are refused");
    CHECK(pg_request_parse("touch 0 0", 9, &r, why, sizeof why) != 0, "an empty range is refused");
    CHECK(pg_request_parse("protect ro 3", 12, &r, why, sizeof why) != 0, "extra words are refused");
    CHECK(pg_request_parse("", 0, &r, why, sizeof why) != 0, "an empty action is refused");

    /* Every action formats back to text that parses to the same action. */
    const char *all[] = { "read 1", "write 2", "touch 0 4", "msync sync", "msync async 1 2", "madvise dontneed",
                          "madvise willneed 0 64", "madvise sequential", "madvise random", "madvise pageout 3 1",
                          "fadvise dontneed 16 16", "truncate 0", "protect ro", "protect rw", "map shared",
                          "map private", "fork-write 63" };
    int round = 1;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        struct pg_request a, b;
        if (pg_request_parse(all[i], strlen(all[i]), &a, why, sizeof why) != 0) { round = 0; printf("# %s: %s\n", all[i], why); continue; }
        pg_request_format(&a, buf, sizeof buf);
        if (strcmp(buf, all[i]) || pg_request_parse(buf, strlen(buf), &b, why, sizeof why) != 0 || b.op != a.op ||
            b.first != a.first || b.count != a.count) {
            round = 0;
            printf("# %s -> %s\n", all[i], buf);
        }
    }
    CHECK(round, "every action formats back to itself");

    /* A whole scenario. */
    const char *good = "# comment\n"
                       "title: A title\n"
                       "intro: An intro\n"
                       "map: private\n"
                       "setup: touch 0 16\n"
                       "setup: madvise dontneed\n"
                       "\n"
                       "step: write 5\n"
                       "Q: Will the file see it?\n"
                       "- [ ] yes\n"
                       "- [x] no\n"
                       "E: A private copy.\r\n"
                       "expect: file-sees no\n"
                       "expect: fault none\n"
                       "\n"
                       "step: read 40\n"
                       "Q: 会发生什么？\n"
                       "- [x] SIGBUS\n"
                       "- [ ] 零\n"
                       "- [ ] SIGSEGV\n"
                       "E: 越过结尾。\n"
                       "expect: fault SIGBUS\n"
                       "expect: uncached 32 32\n"
                       "expect: rss-falls";   /* no final newline */
    struct scenario s;
    struct scn_error e;
    CHECK(parses(good, &s, &e), "a valid scenario parses");
    CHECK(s.title && !strcmp(s.title, "A title") && s.intro && !strcmp(s.intro, "An intro") && s.map_private == 1,
          "title, intro and map are read");
    CHECK(s.n_setup == 2 && s.setup[0].op == PG_TOUCH && s.setup[1].op == PG_MADV_DONTNEED && s.setup[1].count == -1,
          "setup actions are read in order");
    CHECK(s.n_steps == 2 && s.steps[0].req.op == PG_WRITE && s.steps[0].n_options == 2 && s.steps[0].right == 1 &&
              !strcmp(s.steps[0].explanation, "A private copy.") && s.steps[0].line == 8,
          "the first step: action, options, answer, explanation (CR dropped), line");
    CHECK(s.steps[0].n_expects == 2 && s.steps[0].expects[0].kind == EXP_FILE_SEES && s.steps[0].expects[0].value == 0 &&
              s.steps[0].expects[1].kind == EXP_FAULT && s.steps[0].expects[1].value == 0,
          "expectations of the first step");
    CHECK(s.steps[1].n_options == 3 && s.steps[1].right == 0 && !strcmp(s.steps[1].options[1], "零") &&
              s.steps[1].n_expects == 3 && s.steps[1].expects[1].kind == EXP_CACHED && s.steps[1].expects[1].value == 0 &&
              s.steps[1].expects[1].first == 32 && s.steps[1].expects[2].kind == EXP_RSS_FALLS,
          "UTF-8 text is kept; the last line needs no newline");
    scn_expect_format(&s.steps[1].expects[0], buf, sizeof buf);
    CHECK(!strcmp(buf, "fault SIGBUS"), "expectations format back");
    scenario_free(&s);
    CHECK(s.steps == NULL && s.title == NULL, "scenario_free clears the scenario");

    /* Malformed scenarios: each with its line and reason. */
    CHECK(fails_at("", 0, "no `title:`"), "an empty file");
    CHECK(fails_at("title: T\n", 0, "no steps"), "no steps");
    CHECK(fails_at("step: read 0\nQ: q\n- [x] a\n- [ ] b\nE: e\n", 1, "title:"), "a step before the title");
    CHECK(fails_at("title: T\nstep: read 0\n- [x] a\n", 3, "before the step's `Q:`"), "an option before Q:");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\n- [x] a\n- [ ] b\n", 2, "no `E:`"), "a step without E:");
    CHECK(fails_at("title: T\nstep: read 0\nE: e\n", 2, "no `Q:`"), "a step without Q:");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\n- [ ] a\n- [ ] b\nE: e\n", 2, "exactly one [x]"), "no right answer");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\n- [x] a\nE: e\n", 2, "2 to 6 options"), "a single option");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\n- [x] a\n- [ ] b\nE: e\n- [ ] c\n", 7, "after the step's `E:`"),
          "an option after E:");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\nQ: again\n", 4, "second `Q:`"), "two questions");
    CHECK(fails_at("title: T\nstep: jump 0\n", 2, "unknown action"), "an unknown step action");
    CHECK(fails_at("title: T\nsetup: read\n", 2, "one page number"), "a setup action without its page");
    CHECK(fails_at("title: T\nmap: both\n", 2, "shared or private"), "a bad map line");
    CHECK(fails_at("title: T\nQ: early\n", 2, "before the first `step:`"), "a question before any step");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\n- [x] a\n- [ ] b\nE: e\nexpect: cached 1\n", 7, "unknown expectation"),
          "a bad expectation");
    CHECK(fails_at("title: T\nstep: read 0\nQ\xEF\xBC\x9A q\n", 3, "ASCII colon"), "a full-width colon");
    CHECK(fails_at("title: T\nstep: read 0\nwhatever\n", 3, "a step holds"), "a stray line in a step");
    CHECK(fails_at("title: T\n  step: read 0\n", 2, "blanks"), "an indented line");
    CHECK(fails_at("title: T\ntitle: again\n", 2, "second line"), "two titles");
    CHECK(fails_at("title:   \n", 1, "empty value"), "an empty title");
    CHECK(fails_at("title: T\nstep: read 0\nQ: q\n- [x] a\n- [ ] b\nE: e\nstep: read 1\nQ: q2\n- [x] a\n", 7, "2 to 6 options"),
          "the last step is checked at the end of the file");
    char nul[] = "title: T\nst\0p: read 0\n";
    struct scenario s2;
    CHECK(scenario_parse(nul, sizeof nul - 1, &s2, &e) != 0 && e.line == 2 && strstr(e.message, "NUL"), "a NUL byte");
    CHECK(scenario_parse(NULL, 3, &s2, &e) != 0, "NULL text with a length");
    return unit_done();
}
