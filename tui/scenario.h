/* Guided playground scenarios (lessons/scenarios/LANG/NN-name.txt; the
 * format is in lessons/FORMAT.md, "Playground scenarios"), and the one
 * vocabulary of playground actions shared by the keys, the scenarios and
 * the lesson checker. Pure parsing: no system calls, no globals, no static
 * buffers; builds with plain C11 (the lesson checker links it without
 * feature macros).
 *
 *     title: MADV_DONTNEED keeps the page cache
 *     intro: one line shown before the first step
 *     map: shared                      (or private; default shared)
 *     setup: read 0                    (actions run before step 1)
 *
 *     step: madvise dontneed 0 8
 *     Q: After MADV_DONTNEED, are pages 0-7 still in the page cache?
 *     - [ ] No
 *     - [x] Yes
 *     E: why, on one line
 *     expect: cached 0 8               (what the playground should observe)
 */
#ifndef MMAPLAB_SCENARIO_H
#define MMAPLAB_SCENARIO_H

#include <stddef.h>

/* Every playground action. */
enum pg_op {
    PG_READ, PG_WRITE, PG_TOUCH, PG_MSYNC_SYNC, PG_MSYNC_ASYNC,
    PG_MADV_DONTNEED, PG_MADV_WILLNEED, PG_MADV_SEQUENTIAL, PG_MADV_RANDOM, PG_MADV_PAGEOUT,
    PG_FADV_DONTNEED, PG_TRUNCATE, PG_PROTECT_RO, PG_PROTECT_RW, PG_MAP_SHARED, PG_MAP_PRIVATE,
    PG_FORK_WRITE, PG_OP_COUNT
};

/* One action with its pages: [first, first + count) (count -1: to the end
 * of the mapping). For PG_TRUNCATE, first is the new size in pages. */
struct pg_request {
    enum pg_op op;
    long first, count;
};

enum scn_expect_kind {
    EXP_FAULT,        /* value: 0 none, 1 SIGBUS, 2 SIGSEGV */
    EXP_CACHED,       /* value 1: pages in the page cache, 0: none of them */
    EXP_MAPPED,       /* value 1: present in the page tables, 0: none of them */
    EXP_PARENT_SEES,  /* fork-write: value 1 the parent sees the child's byte */
    EXP_FILE_SEES,    /* write: value 1 the file (pread) has the new byte */
    EXP_RSS_FALLS,    /* value 1: RssFile falls, 0: it does not */
};

struct scn_expect {
    enum scn_expect_kind kind;
    long first, count;
    int value;
};

enum { SCN_MAX_OPTIONS = 6, SCN_MAX_EXPECTS = 8, SCN_MAX_SETUP = 16, SCN_ERR_SIZE = 200 };

struct scn_step {
    struct pg_request req;
    char *question;
    char *options[SCN_MAX_OPTIONS];
    size_t n_options;
    size_t right;                        /* index of the [x] option */
    char *explanation;
    struct scn_expect expects[SCN_MAX_EXPECTS];
    size_t n_expects;
    size_t line;                         /* of its "step:" line */
};

struct scenario {
    char *title;
    char *intro;                         /* may be NULL */
    int map_private;
    struct pg_request setup[SCN_MAX_SETUP];
    size_t n_setup;
    struct scn_step *steps;
    size_t n_steps;
};

struct scn_error {
    size_t line;                         /* 0: not about one line */
    char message[SCN_ERR_SIZE];
};

/* Parse len bytes of text. Returns 0 and fills *out (free with
 * scenario_free), or -1 with err saying where and what (nothing leaked). */
int scenario_parse(const char *text, size_t len, struct scenario *out, struct scn_error *err);
void scenario_free(struct scenario *s);

/* Parse one action ("madvise dontneed 0 8"); 0 or -1 with a reason. */
int pg_request_parse(const char *text, size_t len, struct pg_request *out, char *why, size_t whylen);
/* The action back as text, canonical ("madvise dontneed 0 8"), into buf. */
char *pg_request_format(const struct pg_request *r, char *buf, size_t size);
/* The expectation as text ("cached 0 8"), into buf. */
char *scn_expect_format(const struct scn_expect *e, char *buf, size_t size);

#endif
