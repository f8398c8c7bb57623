/* C syntax colouring for code blocks: a small lexer that splits one line of
 * C into spans with roles (keyword, string, comment, number, preprocessor).
 * It keeps the state of a block comment across lines. */
#include "highlight.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "_Atomic", "_Bool", "_Noreturn",
    "_Static_assert", "_Thread_local", "bool", "true", "false", "NULL", "size_t", "ssize_t",
    "off_t", "uint8_t", "uint32_t", "uint64_t", "int64_t", "uintptr_t", NULL,
};

static int is_keyword(const char *s, size_t n)
{
    for (int i = 0; keywords[i]; i++)
        if (strlen(keywords[i]) == n && !memcmp(keywords[i], s, n)) return 1;
    return 0;
}

static mm_status push(struct span **out, size_t *n, size_t *cap, const char *s, size_t len,
                      enum role role)
{
    if (len == 0) return MM_OK;
    if (*n && (*out)[*n - 1].role == role) {
        struct span *p = &(*out)[*n - 1];
        size_t old = strlen(p->text);
        char *t = realloc(p->text, old + len + 1);
        if (!t) return MM_ERR_NOMEM;
        memcpy(t + old, s, len);
        t[old + len] = 0;
        p->text = t;
        return MM_OK;
    }
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        struct span *ns = realloc(*out, nc * sizeof *ns);
        if (!ns) return MM_ERR_NOMEM;
        *out = ns;
        *cap = nc;
    }
    char *t = xstrndup(s, len);
    if (!t) return MM_ERR_NOMEM;
    (*out)[(*n)++] = (struct span){ t, role, -1 };
    return MM_OK;
}

mm_status highlight_c_line(const char *line, size_t len, int *in_comment, struct span **out,
                           size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0, i = 0;
    mm_status st = MM_OK;
    size_t lead = 0;
    while (lead < len && (line[lead] == ' ' || line[lead] == '\t')) lead++;
    if (!*in_comment && lead < len && line[lead] == '#') {
        /* A preprocessor line, up to a comment. */
        size_t e = lead;
        while (e < len && !(line[e] == '/' && e + 1 < len && (line[e + 1] == '/' || line[e + 1] == '*'))) e++;
        st = push(out, n, &cap, line, e, ROLE_PREPROC);
        i = e;
    }
    while (st == MM_OK && i < len) {
        size_t s = i;
        char c = line[i];
        if (*in_comment) {
            while (i < len && !(line[i] == '*' && i + 1 < len && line[i + 1] == '/')) i++;
            if (i < len) { i += 2; *in_comment = 0; }
            st = push(out, n, &cap, line + s, i - s, ROLE_COMMENT);
        } else if (c == '/' && i + 1 < len && line[i + 1] == '/') {
            st = push(out, n, &cap, line + s, len - s, ROLE_COMMENT);
            i = len;
        } else if (c == '/' && i + 1 < len && line[i + 1] == '*') {
            *in_comment = 1;
            i += 2;
            while (i < len && !(line[i] == '*' && i + 1 < len && line[i + 1] == '/')) i++;
            if (i < len) { i += 2; *in_comment = 0; }
            st = push(out, n, &cap, line + s, i - s, ROLE_COMMENT);
        } else if (c == '"' || c == '\'') {
            i++;
            while (i < len && line[i] != c) i += line[i] == '\\' && i + 1 < len ? 2 : 1;
            if (i < len) i++;
            st = push(out, n, &cap, line + s, i - s, ROLE_STRING);
        } else if (isdigit((unsigned char)c)) {
            while (i < len && (isalnum((unsigned char)line[i]) || line[i] == '.' || line[i] == '_')) i++;
            st = push(out, n, &cap, line + s, i - s, ROLE_NUMBER);
        } else if (isalpha((unsigned char)c) || c == '_') {
            while (i < len && (isalnum((unsigned char)line[i]) || line[i] == '_')) i++;
            st = push(out, n, &cap, line + s, i - s, is_keyword(line + s, i - s) ? ROLE_KEYWORD : ROLE_CODEBLOCK);
        } else {
            while (i < len && !isalnum((unsigned char)line[i]) && line[i] != '_' && line[i] != '"' &&
                   line[i] != '\'' && line[i] != '/')
                i++;
            if (i == s) i++;
            st = push(out, n, &cap, line + s, i - s, ROLE_CODEBLOCK);
        }
    }
    if (st != MM_OK) {
        for (size_t k = 0; k < *n; k++) free((*out)[k].text);
        free(*out);
        *out = NULL;
        *n = 0;
    }
    return st;
}
