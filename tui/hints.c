#include "hints.h"

#include <string.h>

static const char *next_line(const char *p)
{
    p = strchr(p, '\n');
    return p ? p + 1 : NULL;
}

const char *hints_section(const char *text, int k, const char **end)
{
    int i = -1;
    const char *start = NULL;
    for (const char *p = text; p && *p; p = next_line(p)) {
        if (strncmp(p, "## Hint", 7)) continue;
        i++;
        if (i == k) start = p;
        else if (i == k + 1) { *end = p; return start; }
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
