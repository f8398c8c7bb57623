/* Unit tests of tui/quiz.c. Prints TAP ("ok N - name" / "not ok N - name")
 * and exits non-zero when a test fails.
 *
 * Build and run:
 *   cc -std=c11 -Wall -Wextra -Werror -O1 -g -Itui tests/unit/test_quiz.c tui/quiz.c -o build/test_quiz
 *   build/test_quiz
 */
#include "quiz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_tests, n_failed;
static char why[512];   /* the first failed expectation of the current test */

#define EXPECT(cond, ...)                                                        \
    do {                                                                         \
        if (!(cond) && why[0] == '\0')                                           \
            snprintf(why, sizeof why, __VA_ARGS__);                              \
    } while (0)

static void report(const char *name)
{
    n_tests++;
    if (why[0]) {
        n_failed++;
        printf("not ok %d - %s\n# %s\n", n_tests, name, why);
    } else {
        printf("ok %d - %s\n", n_tests, name);
    }
    why[0] = '\0';
}

static quiz *parse_ok(const char *text)
{
    quiz *q = NULL;
    quiz_error err;
    quiz_status st = quiz_parse(text, strlen(text), &q, &err);
    char msg[300];
    EXPECT(st == QUIZ_OK, "expected success, got %s: %s", quiz_strerror(st),
           quiz_error_format(&err, msg, sizeof msg));
    EXPECT(st != QUIZ_OK || q != NULL, "success without a quiz");
    return q;
}

/* Parse text that must fail with a syntax error at `line` whose message
 * contains `part`. */
static void parse_bad(const char *text, size_t len, size_t line, const char *part)
{
    quiz *q = (quiz *)&q;   /* must be reset to NULL */
    quiz_error err;
    quiz_status st = quiz_parse(text, len, &q, &err);
    char msg[300];
    quiz_error_format(&err, msg, sizeof msg);
    EXPECT(st == QUIZ_ESYNTAX, "expected QUIZ_ESYNTAX, got %s (%s)", quiz_strerror(st), msg);
    EXPECT(q == NULL, "out not set to NULL on failure");
    EXPECT(err.line == line, "expected line %zu, got `%s`", line, msg);
    EXPECT(strstr(err.message, part) != NULL, "expected a message containing `%s`, got `%s`",
           part, msg);
    if (st == QUIZ_OK)
        quiz_free(q);
}

#define BAD(text, line, part) parse_bad((text), strlen(text), (line), (part))

static void test_one_question(void)
{
    quiz *q = parse_ok("Q: Which call maps a file?\n"
                       "- [ ] read\n"
                       "- [x] mmap\n"
                       "- [ ] lseek\n"
                       "E: mmap maps; read copies.\n");
    if (q) {
        EXPECT(q->n_questions == 1, "n_questions %zu", q->n_questions);
        quiz_question *qq = &q->questions[0];
        EXPECT(strcmp(qq->text, "Which call maps a file?") == 0, "text `%s`", qq->text);
        EXPECT(qq->n_options == 3, "n_options %zu", qq->n_options);
        EXPECT(qq->n_options == 3 && strcmp(qq->options[0], "read") == 0 &&
                   strcmp(qq->options[1], "mmap") == 0 && strcmp(qq->options[2], "lseek") == 0,
               "options wrong");
        EXPECT(qq->right == 1, "right %zu", qq->right);
        EXPECT(strcmp(qq->explanation, "mmap maps; read copies.") == 0, "explanation `%s`",
               qq->explanation);
        EXPECT(qq->line == 1, "line %zu", qq->line);
    }
    quiz_free(q);
    report("one question: text, options, right answer, explanation");
}

static void test_several_questions(void)
{
    const char *text = "\n"
                       "Q: first?\n"
                       "- [x] a\n"
                       "- [ ] b\n"
                       "E: because a.\n"
                       "\n"
                       "\n"
                       "Q: second?\n"
                       "- [ ] a\n"
                       "- [ ] b\n"
                       "- [ ] c\n"
                       "- [ ] d\n"
                       "- [ ] e\n"
                       "- [x] f\n"
                       "E: because f.\n"
                       "   \n"
                       "Q: third?\n"
                       "- [ ] a\n"
                       "- [x] b\n"
                       "E: because b.";   /* no final newline */
    quiz *q = parse_ok(text);
    if (q) {
        EXPECT(q->n_questions == 3, "n_questions %zu", q->n_questions);
        if (q->n_questions == 3) {
            EXPECT(q->questions[0].right == 0 && q->questions[0].n_options == 2, "question 1");
            EXPECT(q->questions[1].right == 5 && q->questions[1].n_options == 6, "question 2");
            EXPECT(q->questions[2].right == 1 && q->questions[2].n_options == 2, "question 3");
            EXPECT(q->questions[0].line == 2 && q->questions[1].line == 8 &&
                       q->questions[2].line == 17,
                   "lines %zu %zu %zu", q->questions[0].line, q->questions[1].line,
                   q->questions[2].line);
            EXPECT(strcmp(q->questions[2].explanation, "because b.") == 0, "last explanation `%s`",
                   q->questions[2].explanation);
        }
    }
    quiz_free(q);
    report("several questions, extra blank lines, six options, no final newline");
}

static void test_chinese(void)
{
    const char *text = "Q: 映射之后，文件被另一个进程截断，再访问被截掉的那一页会怎样？\n"
                       "- [ ] 读到 0\n"
                       "- [x] 收到 SIGBUS\n"
                       "- [ ] read() 返回 -1\n"
                       "E: 整页都在文件末尾之后，访问它会触发 SIGBUS。\n";
    quiz *q = parse_ok(text);
    if (q && q->n_questions == 1) {
        quiz_question *qq = &q->questions[0];
        EXPECT(strcmp(qq->text, "映射之后，文件被另一个进程截断，再访问被截掉的那一页会怎样？") == 0,
               "text `%s`", qq->text);
        EXPECT(strcmp(qq->options[1], "收到 SIGBUS") == 0, "option `%s`", qq->options[1]);
        EXPECT(strcmp(qq->explanation, "整页都在文件末尾之后，访问它会触发 SIGBUS。") == 0,
               "explanation `%s`", qq->explanation);
        EXPECT(qq->right == 1, "right %zu", qq->right);
    }
    quiz_free(q);
    report("Chinese text is kept byte for byte");
}

static void test_crlf_and_blanks(void)
{
    quiz *q = parse_ok("Q:   spaced   \r\n- [ ]   one \r\n- [x]\ttwo\r\nE: why \r\n");
    if (q && q->n_questions == 1) {
        EXPECT(strcmp(q->questions[0].text, "spaced") == 0, "text `%s`", q->questions[0].text);
        EXPECT(strcmp(q->questions[0].options[0], "one") == 0, "option `%s`",
               q->questions[0].options[0]);
        EXPECT(strcmp(q->questions[0].options[1], "two") == 0, "option `%s`",
               q->questions[0].options[1]);
        EXPECT(strcmp(q->questions[0].explanation, "why") == 0, "explanation `%s`",
               q->questions[0].explanation);
    }
    quiz_free(q);
    report("CRLF line ends and surrounding blanks are trimmed");
}

static void test_errors(void)
{
    BAD("", 1, "the quiz has no questions");
    report("error: empty block");
    BAD("\n  \n\n", 1, "the quiz has no questions");
    report("error: only blank lines");
    BAD("Q: q\n- [x] a\n- [x] b\n- [ ] c\nE: e\n", 1,
        "a question needs exactly one [x] option, found 2");
    report("error: two right answers");
    BAD("Q: q\n- [ ] a\n- [ ] b\nE: e\n", 1, "a question needs exactly one [x] option, found 0");
    report("error: no right answer");
    BAD("Q: q\n- [x] a\nE: e\n", 1, "a question needs 2 to 6 options, found 1");
    report("error: one option");
    BAD("Q: q\n- [x] 1\n- [ ] 2\n- [ ] 3\n- [ ] 4\n- [ ] 5\n- [ ] 6\n- [ ] 7\nE: e\n", 1,
        "a question needs 2 to 6 options, found 7");
    report("error: seven options");
    BAD("Q: q\nE: e\n", 1, "a question needs 2 to 6 options, found 0");
    report("error: no options");
    BAD("Q: q\n- [x] a\n- [ ] b\n", 1, "ends without an `E:` explanation line");
    report("error: missing explanation at the end");
    BAD("Q: q\n- [x] a\n\n- [ ] b\nE: e\n", 3, "blank line inside the question of line 1");
    report("error: blank line inside a question");
    BAD("Q:   \n- [x] a\n- [ ] b\nE: e\n", 1, "empty question after `Q:`");
    report("error: empty question");
    BAD("Q: q\n- [x] a\n- [ ]   \nE: e\n", 3, "empty option text");
    report("error: empty option");
    BAD("Q: q\n- [x] a\n- [ ] b\nE:\n", 4, "empty explanation after `E:`");
    report("error: empty explanation");
    BAD("- [x] a\n", 1, "an option before any `Q:` line");
    report("error: option before the question");
    BAD("E: e\n", 1, "an `E:` explanation before any `Q:` line");
    report("error: explanation before the question");
    BAD("What is mmap?\n", 1, "a question starts with `Q: `, found `What is mmap?`");
    report("error: question without Q:");
    BAD("Q: a question\nthat goes on\n- [x] a\n- [ ] b\nE: e\n", 2, "a question fits on one line");
    report("error: question on two lines");
    BAD("Q: q\n- [x] a\nstill a\n- [ ] b\nE: e\n", 3, "an option fits on one line");
    report("error: option on two lines");
    BAD("Q: q\n- [x] a\n- [ ] b\nE: e\nmore e\n", 5, "an explanation fits on one line");
    report("error: explanation on two lines");
    BAD("Q: q\n- [X] a\n- [ ] b\nE: e\n", 2, "lower-case `- [x]`");
    report("error: upper-case X");
    BAD("Q: q\n* [x] a\n- [ ] b\nE: e\n", 2, "an option starts with `- [ ] ` or `- [x] `");
    report("error: wrong list marker");
    BAD("Q: q\n- [x] a\n- [] b\nE: e\n", 3, "an option starts with `- [ ] ` or `- [x] `");
    report("error: empty brackets");
    BAD("Q: q\n- [x]a\n- [ ] b\nE: e\n", 2, "put a space after `- [x]`");
    report("error: no space after the marker");
    BAD("Q: q\n- [x] a\n- [ ] b\nE: e\nQ: r\n- [x] a\n- [ ] b\nE: e\n", 5,
        "separate questions with a blank line");
    report("error: questions not separated");
    BAD("Q: q\n- [x] a\nQ: r\n- [ ] b\nE: e\n", 3, "a new `Q:` before the `E:` line of the question of line 1");
    report("error: new question before the explanation");
    BAD("Q：映射是什么？\n- [x] 甲\n- [ ] 乙\nE: 因为\n", 1, "ASCII colon");
    report("error: full-width colon in Q:");
    BAD("Q: 映射？\n- [x] 甲\n- [ ] 乙\nE：因为\n", 4, "ASCII colon");
    report("error: full-width colon in E:");
    BAD("Q: q\n- [x] \xff\xfe\n- [ ] b\nE: e\n", 2, "invalid UTF-8");
    report("error: invalid UTF-8");
    BAD("Q: q\n- [x] \xe6\x98\n- [ ] b\nE: e\n", 2, "invalid UTF-8");
    report("error: truncated UTF-8 sequence");
    parse_bad("Q: q\n- [x] a\0b\n- [ ] b\nE: e\n", 23, 2, "NUL byte");
    report("error: NUL byte");
    BAD("Q: one\n- [x] a\n- [ ] b\nE: e\n\nQ: two\n- [x] a\n- [x] b\nE: e\n", 6,
        "exactly one [x] option, found 2");
    report("error: line number of a later question");
}

static void test_api(void)
{
    quiz *q = NULL;
    quiz_error err;
    EXPECT(quiz_parse("x", 1, NULL, &err) == QUIZ_EINVAL, "NULL out accepted");
    EXPECT(quiz_parse(NULL, 3, &q, &err) == QUIZ_EINVAL, "NULL text with a length accepted");
    EXPECT(quiz_parse(NULL, 0, &q, &err) == QUIZ_ESYNTAX && q == NULL, "NULL empty text");
    report("api: invalid arguments");

    const char *ok = "Q: q\n- [x] a\n- [ ] b\nE: e\n";
    EXPECT(quiz_parse(ok, strlen(ok), &q, NULL) == QUIZ_OK && q, "err may be NULL on success");
    quiz_free(q);
    q = NULL;
    EXPECT(quiz_parse("Q: q\n", 5, &q, NULL) == QUIZ_ESYNTAX && q == NULL,
           "err may be NULL on failure");
    quiz_free(NULL);
    report("api: err may be NULL; quiz_free(NULL)");

    /* only the first `len` bytes count */
    const char *two = "Q: q\n- [x] a\n- [ ] b\nE: e\ngarbage that is not parsed";
    EXPECT(quiz_parse(two, strlen(ok), &q, &err) == QUIZ_OK, "len not honoured");
    quiz_free(q);
    report("api: parses exactly len bytes");

    char buf[64];
    err.line = 3;
    snprintf(err.message, sizeof err.message, "bad");
    EXPECT(strcmp(quiz_error_format(&err, buf, sizeof buf), "line 3: bad") == 0, "format `%s`", buf);
    err.line = 0;
    EXPECT(strcmp(quiz_error_format(&err, buf, sizeof buf), "bad") == 0, "format `%s`", buf);
    err.line = 12345;
    EXPECT(strlen(quiz_error_format(&err, buf, 5)) == 4, "truncation");
    EXPECT(strcmp(quiz_strerror(QUIZ_OK), "success") == 0, "strerror OK");
    EXPECT(strcmp(quiz_strerror(QUIZ_ENOMEM), "out of memory") == 0, "strerror ENOMEM");
    EXPECT(strcmp(quiz_strerror((quiz_status)99), "unknown quiz status") == 0, "strerror 99");
    report("api: quiz_error_format and quiz_strerror");

    /* two parses do not share anything */
    quiz *a = NULL, *b = NULL;
    quiz_parse(ok, strlen(ok), &a, NULL);
    const char *other = "Q: other\n- [ ] a\n- [x] b\nE: e\n";
    quiz_parse(other, strlen(other), &b, NULL);
    EXPECT(a && b && strcmp(a->questions[0].text, "q") == 0 &&
               strcmp(b->questions[0].text, "other") == 0 && a->questions[0].right == 0 &&
               b->questions[0].right == 1,
           "results interfere");
    quiz_free(a);
    quiz_free(b);
    report("api: results are independent");
}

int main(void)
{
    test_one_question();
    test_several_questions();
    test_chinese();
    test_crlf_and_blanks();
    test_errors();
    test_api();
    printf("1..%d\n", n_tests);
    if (n_failed)
        printf("# %d of %d failed\n", n_failed, n_tests);
    return n_failed ? 1 : 0;
}
