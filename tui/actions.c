#include "actions.h"

#include <stdio.h>

static const struct action_info table[] = {
#define ACT_ROW(name, k1, k2, k3, help) { name, { k1, k2, k3 }, help },
    ACTION_TABLE(ACT_ROW)
#undef ACT_ROW
};

const struct action_info *action_table(int *n)
{
    *n = (int)(sizeof table / sizeof table[0]);
    return table;
}

enum action action_for_key(int key)
{
    if (key == 0) return ACT_NONE;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        for (int k = 0; k < 3; k++)
            if (table[i].keys[k] == key) return table[i].action;
    return ACT_NONE;
}

const char *key_label(int key, char *buf, int size)
{
    static const struct { int key; const char *name; } names[] = {
        { K_UP, "Up" }, { K_DOWN, "Down" }, { K_LEFT, "Left" }, { K_RIGHT, "Right" },
        { K_PGUP, "PgUp" }, { K_PGDN, "PgDn" }, { K_HOME, "Home" }, { K_END, "End" },
        { K_ENTER, "Enter" }, { K_ESC, "Esc" }, { K_BACKSPACE, "Backspace" }, { K_TAB, "Tab" },
        { K_MOUSE_UP, "wheel up" }, { K_MOUSE_DOWN, "wheel down" }, { ' ', "Space" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].key == key) { snprintf(buf, (size_t)size, "%s", names[i].name); return buf; }
    if (key > 0 && key < 0x20) snprintf(buf, (size_t)size, "Ctrl-%c", key + 'A' - 1);
    else if (key > 0x20 && key < 0x7f) snprintf(buf, (size_t)size, "%c", key);
    else snprintf(buf, (size_t)size, "?");
    return buf;
}
