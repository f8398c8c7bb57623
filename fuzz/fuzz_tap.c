/* libFuzzer target: TAP as bats --tap prints it (tui/tap.c). tap_parse
 * takes a NUL-terminated string, as runner.c reads it from a pipe. */
#include "tap.h"

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
    struct tap_run r;
    if (tap_parse(text, &r) == MM_OK) {
        for (size_t i = 0; i < r.n; i++) {
            const struct tap_test *t = &r.tests[i];
            (void)strlen(t->name);
            if (t->reason) (void)strlen(t->reason);
            if (t->diag) (void)strlen(t->diag);
        }
        if (r.bail_out) (void)strlen(r.bail_out);
        if (r.preamble) (void)strlen(r.preamble);
        (void)tap_complete(&r);
        tap_free(&r);
    }
    free(text);
    return 0;
}
