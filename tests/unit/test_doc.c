/* The document builder: every block type, callouts, anchors, layout
 * widths in English and Chinese. */
#include <stdlib.h>
#include <string.h>
#include "doc.h"
#include "unit.h"

static const char sample[] =
    "# Title here\n"
    "\n"
    "Some *emphasis*, **strong**, `code` and a [link](07-sigbus.md#x).\n"
    "\n"
    "## Second level\n"
    "\n"
    "- item one\n"
    "- item two\n"
    "  1. nested\n"
    "\n"
    "> **Myth:** it flushes.\n"
    ">\n"
    "> **Fact:** it does not.\n"
    "\n"
    "```c run\n"
    "int main(void) { return 0; } /* ok */\n"
    "```\n"
    "\n"
    "| a | b |\n"
    "|---|--:|\n"
    "| 1 | 22 |\n"
    "\n"
    "---\n"
    "\n"
    "```quiz\n"
    "Q: Which?\n"
    "- [ ] no\n"
    "- [x] yes\n"
    "E: because.\n"
    "```\n";

static int max_width(const struct layout *l)
{
    int m = 0;
    for (size_t i = 0; i < l->n; i++) {
        int w = 0;
        for (size_t k = 0; k < l->lines[i].n; k++) w += text_width(l->lines[i].spans[k].text);
        if (w > m) m = w;
    }
    return m;
}

static int find_block(const struct doc *d, enum block_kind k)
{
    for (size_t i = 0; i < d->n; i++) if (d->blocks[i].kind == k) return (int)i;
    return -1;
}

int main(void)
{
    struct doc d;
    CHECK(doc_parse(sample, strlen(sample), &d) == MM_OK, "a lesson with every block type parses");
    CHECK(d.title && !strcmp(d.title, "Title here"), "the title is the first level-1 heading");
    CHECK(d.n_links == 1 && !strcmp(d.links[0], "07-sigbus.md#x"), "links are collected");
    int h2 = -1;
    for (size_t i = 0; i < d.n; i++) if (d.blocks[i].kind == BLOCK_HEADING && d.blocks[i].level == 2) h2 = (int)i;
    CHECK(h2 >= 0 && !strcmp(d.blocks[h2].anchor, "second-level"), "headings get GitHub anchors");
    int myth = -1, fact = -1;
    for (size_t i = 0; i < d.n; i++) {
        if (d.blocks[i].callout == ROLE_MYTH) myth = (int)i;
        if (d.blocks[i].callout == ROLE_FACT) fact = (int)i;
    }
    CHECK(myth >= 0 && fact > myth, "myth and fact callouts are recognised");
    int code = find_block(&d, BLOCK_CODE);
    CHECK(code >= 0 && !strcmp(d.blocks[code].info, "c run") && strstr(d.blocks[code].code, "int main"),
          "a code block keeps its info string and text");
    int table = find_block(&d, BLOCK_TABLE);
    CHECK(table >= 0 && d.blocks[table].cols == 2 && d.blocks[table].rows == 2, "a table has its shape");
    CHECK(table >= 0 && d.blocks[table].cells[1].align == 2, "column alignment is kept");
    CHECK(find_block(&d, BLOCK_RULE) >= 0, "a thematic break is a rule");
    int q = find_block(&d, BLOCK_QUIZ);
    CHECK(q >= 0 && d.blocks[q].quiz && d.blocks[q].quiz->n_questions == 1 &&
              d.blocks[q].quiz->questions[0].right == 1,
          "a quiz block is parsed with the shared quiz parser");
    int bullets = 0;
    for (size_t i = 0; i < d.n; i++) if (d.blocks[i].bullet) bullets++;
    CHECK(bullets == 3, "list items carry their bullets");

    int widths[] = { 80, 40, 20, 12, 5, 1 };
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        struct layout l;
        char name[64];
        snprintf(name, sizeof name, "every line fits at width %d", widths[i]);
        int ok = doc_layout(&d, widths[i], 0, &l) == MM_OK;
        int mw = ok ? max_width(&l) : 999;
        CHECK(ok && (mw <= widths[i] || widths[i] < 4), name);
        if (ok) layout_free(&l);
    }
    struct layout l;
    CHECK(doc_layout(&d, 60, 1, &l) == MM_OK, "ASCII layout");
    int ascii = 1;
    for (size_t i = 0; i < l.n; i++)
        for (size_t k = 0; k < l.lines[i].n; k++)
            for (const unsigned char *p = (const unsigned char *)l.lines[i].spans[k].text; *p; p++)
                if (*p >= 0x80) ascii = 0;
    CHECK(ascii, "an ASCII layout holds only ASCII");
    layout_free(&l);
    doc_free(&d);

    const char zh[] = "# 标题\n\n页缓存（page cache）是内核里的文件页。映射它，你就不必再复制一次数据，"
                      "这就是 mmap 的核心价值。\n\n| 列一 | 列二 |\n|---|---|\n| 中文内容很长很长 | x |\n";
    CHECK(doc_parse(zh, strlen(zh), &d) == MM_OK, "a Chinese lesson parses");
    int h1 = find_block(&d, BLOCK_HEADING);
    CHECK(h1 >= 0 && !strcmp(d.blocks[h1].anchor, "标题"), "a Chinese heading keeps its letters in the anchor");
    for (int w = 7; w <= 41; w += 17) {
        char name[64];
        snprintf(name, sizeof name, "Chinese fits at width %d", w);
        int ok = doc_layout(&d, w, 0, &l) == MM_OK;
        CHECK(ok && max_width(&l) <= w, name);
        if (ok) layout_free(&l);
    }
    doc_free(&d);

    const char broken[] = "```quiz\nQ: no options\nE: x\n```\n";
    CHECK(doc_parse(broken, strlen(broken), &d) == MM_OK, "a broken quiz does not fail the lesson");
    q = find_block(&d, BLOCK_QUIZ);
    CHECK(q >= 0 && !d.blocks[q].quiz && d.blocks[q].quiz_error, "its error is kept for display");
    doc_free(&d);

    CHECK(doc_parse("", 0, &d) == MM_OK && d.n == 0, "an empty lesson is empty");
    doc_free(&d);
    return unit_done();
}
