/* Wrapping: widths per code point, UAX #14 break opportunities, hard cuts. */
#include <stdlib.h>
#include <string.h>
#include "doc.h"
#include "textwidth.h"
#include "unit.h"
#include "wrap.h"

/* Wrap one plain string; return the lines joined by '|' (caller frees). */
static char *wrap1(const char *text, int width)
{
    struct span s = { (char *)text, ROLE_TEXT, -1 };
    struct wrapped w;
    if (wrap_spans(&s, 1, width, width, &w) != MM_OK) return NULL;
    size_t cap = strlen(text) * 2 + w.n + 2;
    char *out = calloc(cap, 1);
    for (size_t i = 0; i < w.n; i++) {
        if (i) strcat(out, "|");
        for (size_t k = 0; k < w.counts[i]; k++) strcat(out, w.lines[i][k].text);
    }
    wrapped_free(&w);
    return out;
}

static int widest_line(const char *text, int width)
{
    struct span s = { (char *)text, ROLE_TEXT, -1 };
    struct wrapped w;
    if (wrap_spans(&s, 1, width, width, &w) != MM_OK) return -1;
    int max = 0;
    for (size_t i = 0; i < w.n; i++) if (w.widths[i] > max) max = w.widths[i];
    wrapped_free(&w);
    return max;
}

static int check(const char *text, int width, const char *want)
{
    char *got = wrap1(text, width);
    int ok = got && !strcmp(got, want);
    if (!ok) printf("# wrap(\"%s\", %d): got \"%s\", want \"%s\"\n", text, width, got ? got : "(null)", want);
    free(got);
    return ok;
}

int main(void)
{
    CHECK(text_width("abc") == 3, "ASCII is one column a character");
    CHECK(text_width("页缓存") == 6, "CJK characters take two columns");
    CHECK(text_width("e\xCC\x81") == 1, "a combining mark takes no column");
    CHECK(text_width("\xFF") == 1, "an invalid byte counts as one replacement column");

    CHECK(check("the quick brown fox", 10, "the quick|brown fox"), "English breaks at spaces");
    CHECK(check("a b", 10, "a b"), "short text stays on one line");
    CHECK(check("supercalifragilistic", 8, "supercal|ifragili|stic"), "a long word is cut by columns");
    CHECK(check("see https://man7.org/linux/man-pages/man2/mmap.2.html now", 20,
                "see https://|man7.org/linux/man-|pages/man2/|mmap.2.html now"),
          "a URL breaks after slashes and hyphens");
    CHECK(check("one\ntwo", 40, "one|two"), "a newline is a hard break");
    CHECK(check("", 10, ""), "empty text is one empty line");

    /* Chinese: breaks between characters, never before closing punctuation. */
    CHECK(check("内核把页放进页缓存。然后映射它。", 10, "内核把页放|进页缓存。|然后映射|它。"),
          "Chinese breaks between characters, keeping 。 with the character before it");
    char *zh = wrap1("内核把页放进页缓存，然后映射它。", 10);
    int bad_start = 0;
    for (char *p = zh; p && (p = strchr(p, '|')); p++)
        if (!strncmp(p + 1, "，", 3) || !strncmp(p + 1, "。", 3)) bad_start = 1;
    CHECK(zh && !bad_start, "closing punctuation never starts a line");
    free(zh);
    CHECK(widest_line("内核把页放进页缓存，然后映射它。", 10) <= 10, "Chinese lines fit the width");
    CHECK(widest_line("内核把页放进页缓存，然后映射它。", 9) <= 9, "an odd width never splits a wide character");
    CHECK(check("mmap 映射文件 page cache 页缓存", 12, "mmap 映射文|件 page|cache 页缓存"),
          "mixed Chinese and English break between characters and at spaces");
    CHECK(widest_line("中文中文中文", 1) <= 2, "width 1 with wide characters does not loop or cut them");

    /* Styles survive wrapping: two spans, a break inside the second. */
    struct span two[2] = { { "bold words ", ROLE_STRONG, -1 }, { "and code here", ROLE_CODE, -1 } };
    struct wrapped w;
    CHECK(wrap_spans(two, 2, 15, 15, &w) == MM_OK && w.n == 2, "two spans wrap to two lines");
    CHECK(w.counts[0] == 2 && w.lines[0][0].role == ROLE_STRONG && w.lines[0][1].role == ROLE_CODE,
          "a line keeps the roles of its pieces");
    CHECK(!strcmp(w.lines[1][0].text, "code here") && w.lines[1][0].role == ROLE_CODE,
          "the continuation keeps the role");
    wrapped_free(&w);

    CHECK(check("tab\there", 20, "tab here"), "a tab in a paragraph shows as a space");
    return unit_done();
}
