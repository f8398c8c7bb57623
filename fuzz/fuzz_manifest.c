/* libFuzzer target: labs/manifest (tui/manifest.c), then the look-ups
 * `mmaplab check ID` makes with what it parsed. */
#include "manifest.h"

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
    struct manifest m;
    char err[256];
    if (manifest_parse(text, &m, err, sizeof err) == MM_OK) {
        for (size_t i = 0; i < m.n; i++) {
            const struct lab *l = &m.labs[i];
            if (manifest_find(&m, l->id) == NULL || manifest_find(&m, l->dir) == NULL) abort();
            (void)manifest_find(&m, l->slug);
            for (size_t k = 0; k < l->nfiles; k++) (void)strlen(l->files[k]);
            if (l->files[l->nfiles] != NULL) abort(); /* NULL-terminated */
            (void)strlen(l->title);
            (void)strlen(l->lesson);
        }
        (void)manifest_find(&m, "1");
        (void)manifest_find(&m, "0000001");
        (void)manifest_find(&m, "mapped-wc");
        manifest_free(&m);
    } else {
        (void)strlen(err);
    }
    free(text);
    return 0;
}
