/* libFuzzer target: a workspace's .mmaplab/state (tui/progress.c): the
 * parser, then the updates the browser makes after loading it. Nothing is
 * written to disk. */
#include "progress.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    struct progress p;
    memset(&p, 0, sizeof p);
    char err[200];
    err[0] = 0;
    if (progress_parse(&p, text, err, sizeof err) == MM_OK) {
        /* Replace the first fact (moves it last), add one, look them up. */
        if (p.n) {
            struct progress_entry first = p.e[0];
            int a = first.a < INT_MAX ? first.a + 1 : first.a;
            if (progress_set(&p, first.kind, first.key, a, first.b) != MM_OK) abort();
            if (!progress_get(&p, first.kind, first.key)) abort();
        }
        if (progress_set(&p, "last", "01-why-mmap.md", 3, 0) != MM_OK) abort();
        if (!progress_get(&p, "last", "01-why-mmap.md")) abort();
    } else {
        (void)strlen(err);
    }
    progress_free(&p);
    free(text);
    return 0;
}
