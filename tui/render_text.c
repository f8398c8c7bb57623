#include "render_text.h"
#include "theme.h"

#include <string.h>

void render_layout(FILE *f, const struct layout *l, int style)
{
    char sgr[64];
    for (size_t i = 0; i < l->n; i++) {
        const struct line *ln = &l->lines[i];
        /* Trailing blanks are padding, not content. */
        size_t last = ln->n;
        while (last > 0 && strspn(ln->spans[last - 1].text, " ") == strlen(ln->spans[last - 1].text)) last--;
        for (size_t k = 0; k < last; k++) {
            const struct span *s = &ln->spans[k];
            const char *on = style ? theme_sgr(s->role, style == 2, sgr, sizeof sgr) : "";
            if (*on) fputs(on, f);
            if (k + 1 == last) {
                size_t n = strlen(s->text);
                while (n && s->text[n - 1] == ' ') n--;
                fwrite(s->text, 1, n, f);
            } else {
                fputs(s->text, f);
            }
            if (*on) fputs("\033[0m", f);
        }
        fputc('\n', f);
    }
}
