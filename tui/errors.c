#include "errors.h"

static const char *const messages[] = {
#define MM_TEXT(name, text) [(name)] = (text),
    MM_STATUS_TABLE(MM_TEXT)
#undef MM_TEXT
};

const char *mm_strerror(mm_status s)
{
    if ((unsigned)s < sizeof messages / sizeof messages[0] && messages[s])
        return messages[s];
    return "unknown error";
}
