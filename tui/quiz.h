/* quiz.h - the one parser of quiz blocks (see lessons/FORMAT.md, "Quiz blocks").
 *
 * A quiz block is the text of a fenced code block whose info string is
 * `quiz`. It holds one or more questions separated by blank lines:
 *
 *     Q: the question, on one line
 *     - [ ] a wrong option
 *     - [x] the right option
 *     E: why the right option is right, on one line
 *
 * Two to six options, exactly one marked [x]. Text is UTF-8 and is kept
 * byte for byte (trimmed of surrounding blanks); the markers are ASCII.
 *
 * The parser has no globals and no static buffers: the result and the error
 * report belong to the caller. Lines are counted from 1 at the first line of
 * the text given to quiz_parse (the line after the opening fence).
 */
#ifndef MMAPLAB_QUIZ_H
#define MMAPLAB_QUIZ_H

#include <stddef.h>

enum {
    QUIZ_MIN_OPTIONS = 2,
    QUIZ_MAX_OPTIONS = 6,
    QUIZ_ERRMSG_SIZE = 200
};

/* Status codes returned by quiz_parse; quiz_strerror names them. */
typedef enum quiz_status {
    QUIZ_OK = 0,
    QUIZ_ESYNTAX,   /* the text breaks the quiz format; see quiz_error */
    QUIZ_ENOMEM,    /* out of memory */
    QUIZ_EINVAL     /* bad arguments (NULL text with a non-zero length, NULL out) */
} quiz_status;

typedef struct quiz_question {
    char *text;          /* the question, after "Q:" */
    char **options;      /* n_options option texts, after "- [ ]" / "- [x]" */
    size_t n_options;
    size_t right;        /* index (from 0) of the option marked [x] */
    char *explanation;   /* after "E:" */
    size_t line;         /* line of the "Q:" line in the block */
} quiz_question;

typedef struct quiz {
    quiz_question *questions;
    size_t n_questions;
} quiz;

/* Filled by quiz_parse when it fails with QUIZ_ESYNTAX (and QUIZ_ENOMEM). */
typedef struct quiz_error {
    size_t line;                        /* 1-based line in the block; 0: none */
    char message[QUIZ_ERRMSG_SIZE];     /* what is wrong, without the line */
} quiz_error;

/* Parse `len` bytes of `text` (no NUL terminator needed; a NUL byte inside
 * is an error). On success store a new quiz in *out and return QUIZ_OK; the
 * caller frees it with quiz_free. On failure *out is NULL, nothing is
 * leaked, and `err` (if not NULL) says where and what. */
quiz_status quiz_parse(const char *text, size_t len, quiz **out, quiz_error *err);

/* Free a quiz returned by quiz_parse; NULL is allowed. */
void quiz_free(quiz *q);

/* A constant description of a status code, e.g. "out of memory". */
const char *quiz_strerror(quiz_status status);

/* Write "line N: message" (or just the message when line is 0) into buf,
 * always NUL-terminated when size > 0. Returns buf. */
char *quiz_error_format(const quiz_error *err, char *buf, size_t size);

#endif
