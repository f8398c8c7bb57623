#include "i18n.h"

#include <string.h>

const char *tr(const char *lang, const char *id)
{
    if (!lang || strcmp(lang, "zh")) return id;
    for (int i = 0; i < po_zh_count; i++)
        if (!strcmp(po_zh[i].id, id)) return po_zh[i].zh[0] ? po_zh[i].zh : id;
    return id;
}
