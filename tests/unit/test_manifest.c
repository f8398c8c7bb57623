#include <string.h>
#include "manifest.h"
#include "unit.h"

int main(void)
{
    struct manifest m;
    char err[200];

    const char *good =
        "# comment\n"
        "\n"
        "01 mapped-wc 04-reading 20 mapwc.c Count lines, words and bytes\n"
        "02\tshared-write\t05-writing\t15\ta.c,b.c\tWrite a file  \r\n"
        "10 mmap-vs-read 13-performance 7 x.c Measure it";
    CHECK(manifest_parse(good, &m, err, sizeof err) == MM_OK, "a valid manifest parses");
    CHECK(m.n == 3, "comments and blank lines are skipped");
    CHECK(!strcmp(m.labs[0].dir, "01-mapped-wc"), "dir is id-slug");
    CHECK(!strcmp(m.labs[0].title, "Count lines, words and bytes"), "the title is the rest of the line");
    CHECK(m.labs[1].nfiles == 2 && !strcmp(m.labs[1].files[1], "b.c"), "student files split on commas");
    CHECK(!strcmp(m.labs[1].title, "Write a file"), "trailing blanks and CR are trimmed");
    CHECK(m.labs[1].points == 15, "points are read");
    CHECK(manifest_find(&m, "1") == &m.labs[0], "find by number without leading zero");
    CHECK(manifest_find(&m, "shared-write") == &m.labs[1], "find by slug");
    CHECK(manifest_find(&m, "10-mmap-vs-read") == &m.labs[2], "find by dir");
    CHECK(manifest_find(&m, "11") == NULL, "an unknown lab is not found");
    manifest_free(&m);

    CHECK(manifest_parse("01 a 04 20\n", &m, err, sizeof err) == MM_ERR_MANIFEST &&
              strstr(err, "line 1"),
          "a short line is an error naming its line");
    CHECK(manifest_parse("# x\n01 a l 2x f.c T\n", &m, err, sizeof err) == MM_ERR_MANIFEST &&
              strstr(err, "line 2") && strstr(err, "points"),
          "non-numeric points are an error");
    CHECK(manifest_parse("01 a l 2 ../evil.c T\n", &m, err, sizeof err) == MM_ERR_MANIFEST,
          "a student file with a path is refused");
    CHECK(manifest_parse("01 a l 2 f.c T\n01 b l 2 g.c U\n", &m, err, sizeof err) == MM_ERR_MANIFEST &&
              strstr(err, "twice"),
          "a duplicate id is refused");
    CHECK(manifest_parse("# only comments\n", &m, err, sizeof err) == MM_ERR_MANIFEST,
          "an empty manifest is an error");
    CHECK(manifest_parse("xx a l 2 f.c T\n", &m, err, sizeof err) == MM_ERR_MANIFEST,
          "a non-numeric id is refused");
    return unit_done();
}
