#include <string.h>
#include "tap.h"
#include "unit.h"

int main(void)
{
    struct tap_run r;
    const char *text =
        "1..5\n"
        "# setup note\n"
        "ok 1 [0] builds with the project's flags\n"
        "not ok 2 [4] counts equal wc\n"
        "# (in test file x.bats, line 3)\n"
        "# expected 1 got 2\n"
        "ok 3 [3] sparse file # skip too slow under ASan\n"
        "ok 4 no points here\n"
        "not ok 5 - [12] dash form # TODO later\n";
    CHECK(tap_parse(text, &r) == MM_OK, "a bats stream parses");
    CHECK(r.n == 5 && r.planned == 5 && tap_complete(&r), "plan and count agree");
    CHECK(r.preamble && !strcmp(r.preamble, "setup note"), "diagnostics before the first test are kept");
    CHECK(r.tests[0].points == 0 && r.tests[0].outcome == TAP_PASS, "[0] is zero points");
    CHECK(!strcmp(r.tests[0].name, "builds with the project's flags"), "the points prefix is removed from the name");
    CHECK(r.tests[1].outcome == TAP_FAIL && r.tests[1].points == 4, "a failure with points");
    CHECK(r.tests[1].diag && strstr(r.tests[1].diag, "expected 1 got 2"), "diagnostics attach to the test before them");
    CHECK(r.tests[2].outcome == TAP_SKIP && r.tests[2].reason &&
              !strcmp(r.tests[2].reason, "too slow under ASan"),
          "skip directive and reason");
    CHECK(!strcmp(r.tests[2].name, "sparse file"), "the directive is cut from the name");
    CHECK(r.tests[3].points == -1, "a name without a prefix has no points");
    CHECK(r.tests[4].outcome == TAP_TODO_FAIL && r.tests[4].points == 12, "TODO failure, dash form");
    tap_free(&r);

    CHECK(tap_parse("1..3\nok 1 a\nBail out! broken\n", &r) == MM_OK, "bail out parses");
    CHECK(!tap_complete(&r) && r.bail_out && !strcmp(r.bail_out, "broken"), "bail out makes the run incomplete");
    tap_free(&r);

    CHECK(tap_parse("ok 1 a\n", &r) == MM_OK && !tap_complete(&r), "no plan: incomplete");
    tap_free(&r);
    CHECK(tap_parse("1..2\nok 1 a\n", &r) == MM_OK && !tap_complete(&r), "fewer results than planned: incomplete");
    tap_free(&r);
    CHECK(tap_parse("", &r) == MM_OK && r.n == 0, "empty input");
    tap_free(&r);
    CHECK(tap_parse("1..1\nok 1 [99999999999] huge\n", &r) == MM_OK && r.n == 1, "an absurd points prefix does not overflow");
    tap_free(&r);
    return unit_done();
}
