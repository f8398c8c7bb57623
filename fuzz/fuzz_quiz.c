/* libFuzzer target: the text of one `quiz` block (tui/quiz.c), as
 * doc_parse.c and the lesson checks hand it over: bytes and a length, no
 * NUL terminator. */
#include "quiz.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy, so that a read one byte past the end is caught. */
    char *text = malloc(size ? size : 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    quiz *q = NULL;
    quiz_error err;
    char msg[QUIZ_ERRMSG_SIZE + 32];
    quiz_status st = quiz_parse(text, size, &q, &err);
    if (st == QUIZ_OK) {
        for (size_t i = 0; i < q->n_questions; i++) {
            const quiz_question *qq = &q->questions[i];
            (void)strlen(qq->text);
            (void)strlen(qq->explanation);
            if (qq->right >= qq->n_options) abort();
            for (size_t k = 0; k < qq->n_options; k++) (void)strlen(qq->options[k]);
        }
        quiz_free(q);
    } else {
        if (q) abort(); /* quiz.h: on failure *out is NULL */
        quiz_error_format(&err, msg, sizeof msg);
        (void)quiz_strerror(st);
    }
    free(text);
    return 0;
}
