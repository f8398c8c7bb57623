/* A lesson as the browser and `mmaplab show` see it: Markdown parsed (by
 * md4c) into blocks of styled text, then laid out into lines of at most a
 * given number of terminal columns. No curses here: a layout is plain data,
 * so it can be tested and dumped without a terminal. */
#ifndef MMAPLAB_DOC_H
#define MMAPLAB_DOC_H

#include <stddef.h>
#include "errors.h"
#include "quiz.h"

/* Colour roles: what a piece of text is, not how it looks. The screen maps
 * each role to colours or to monochrome attributes (see theme.c). */
#define ROLE_TABLE(X)      \
    X(ROLE_TEXT)           \
    X(ROLE_HEADING)        \
    X(ROLE_SUBHEADING)     \
    X(ROLE_EMPH)           \
    X(ROLE_STRONG)         \
    X(ROLE_CODE)           \
    X(ROLE_CODEBLOCK)      \
    X(ROLE_KEYWORD)        \
    X(ROLE_STRING)         \
    X(ROLE_COMMENT)        \
    X(ROLE_NUMBER)         \
    X(ROLE_PREPROC)        \
    X(ROLE_LINK)           \
    X(ROLE_QUOTE)          \
    X(ROLE_MYTH)           \
    X(ROLE_FACT)           \
    X(ROLE_NOTE)           \
    X(ROLE_WARN)           \
    X(ROLE_BORDER)         \
    X(ROLE_QUIZ)           \
    X(ROLE_OK)             \
    X(ROLE_FAIL)           \
    X(ROLE_DIM)            \
    X(ROLE_SELECTED)       \
    X(ROLE_HIT)            \
    X(ROLE_STATUS)

enum role {
#define ROLE_ENUM(r) r,
    ROLE_TABLE(ROLE_ENUM)
#undef ROLE_ENUM
    ROLE_COUNT
};

const char *role_name(enum role r);

/* A run of text with one role, inside a block or a laid-out line. */
struct span {
    char *text;      /* UTF-8 */
    enum role role;
    int link;        /* index into doc.links, or -1 */
};

enum block_kind {
    BLOCK_PARAGRAPH,
    BLOCK_HEADING,
    BLOCK_CODE,
    BLOCK_TABLE,
    BLOCK_RULE,
    BLOCK_QUIZ,
};

struct table_cell {
    struct span *spans;
    size_t n;
    int align;       /* 0 default/left, 1 centre, 2 right */
};

struct block {
    enum block_kind kind;
    int level;           /* heading level */
    int quote;           /* block-quote depth */
    enum role callout;   /* ROLE_MYTH / FACT / NOTE / WARN for a callout quote, else ROLE_QUOTE */
    int list_depth;      /* nesting of lists */
    char *bullet;        /* "• " or "3. " on the first line of a list item's first paragraph */
    struct span *spans;  /* paragraph and heading text */
    size_t n_spans;
    char *code;          /* code block text */
    char *info;          /* code block info string */
    size_t cols, rows;   /* table size; cells[row * cols + col] */
    struct table_cell *cells;
    quiz *quiz;          /* parsed quiz, or NULL when the block did not parse */
    char *quiz_error;    /* why it did not parse */
    char *anchor;        /* heading slug (GitHub rule) */
};

struct doc {
    struct block *blocks;
    size_t n;
    char **links;        /* link targets */
    size_t n_links;
    char *title;         /* the first level-1 heading */
};

mm_status doc_parse(const char *markdown, size_t len, struct doc *out);
void doc_free(struct doc *d);

/* One laid-out line: spans whose widths add up to at most the layout width. */
struct line {
    struct span *spans;
    size_t n;
    int block;           /* index of the block it came from, -1 for spacing */
};

struct layout {
    struct line *lines;
    size_t n;
    int width;
    int ascii;           /* drawn with ASCII only (no UTF-8 locale) */
};

/* Lay a document out at `width` columns (at least 1). ascii: replace
 * box-drawing characters and bullets with ASCII, for non-UTF-8 terminals. */
mm_status doc_layout(const struct doc *d, int width, int ascii, struct layout *out);
void layout_free(struct layout *l);

/* First line of a block in a layout, or -1. */
int layout_line_of_block(const struct layout *l, int block);

/* Display width of UTF-8 text in terminal columns (wcwidth per code point;
 * independent of the process locale). */
int text_width(const char *s);

#endif
