#include "hints.h"

#include <string.h>

const char *hints_section(const char *text, int k, const char **end)
{
    int i = -1;
    const char *start = NULL;
    for (const char *p = text; *p;) {
        if (!strncmp(p, "## Hint", 7)) {
            i++;
            if (i == k) start = p;
            else if (i == k + 1) { *end = p; return start; }
        }
        const char *nl = strchr(p, '\n');
        if (!nl) break;
        p = nl + 1;
    }
    *end = text + strlen(text);
    return start;
}

int hints_count(const char *text)
{
    int n = 0;
    const char *end;
    while (hints_section(text, n, &end)) n++;
    return n;
}
