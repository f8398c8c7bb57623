/* The headless backend: replays a key script against an in-memory screen
 * and dumps it as text, as tig's test hooks do. */
#include "term.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum ev_kind { EV_KEY, EV_RESIZE, EV_DUMP };

struct event {
    enum ev_kind kind;
    int key, w, h;
};

struct headless {
    struct backend base;
    struct event *ev;
    int n, next;
    int w, h;
    const struct canvas *last;
    int dumps;
};

static void dump(struct headless *hb)
{
    if (!hb->last) return;
    printf("--- screen %d (%dx%d) ---\n", ++hb->dumps, hb->last->w, hb->last->h);
    canvas_dump(hb->last, stdout);
}

static int get_key(struct backend *b)
{
    struct headless *hb = (struct headless *)b;
    while (hb->next < hb->n) {
        struct event *e = &hb->ev[hb->next++];
        switch (e->kind) {
        case EV_KEY: return e->key;
        case EV_RESIZE: hb->w = e->w; hb->h = e->h; return K_RESIZE;
        case EV_DUMP: dump(hb); break;
        }
    }
    /* The script is over: show the final screen and leave. */
    dump(hb);
    b->interrupted = 1;
    return K_NONE;
}

static void present(struct backend *b, const struct canvas *c)
{
    ((struct headless *)b)->last = c;
}

static void size(struct backend *b, int *w, int *h)
{
    struct headless *hb = (struct headless *)b;
    *w = hb->w;
    *h = hb->h;
}

static void nothing(struct backend *b)
{
    (void)b;
}

static const struct { const char *name; int key; } names[] = {
    { "Up", K_UP }, { "Down", K_DOWN }, { "Left", K_LEFT }, { "Right", K_RIGHT },
    { "PgUp", K_PGUP }, { "PgDn", K_PGDN }, { "Home", K_HOME }, { "End", K_END },
    { "Enter", K_ENTER }, { "Esc", K_ESC }, { "Tab", K_TAB }, { "Space", ' ' },
    { "WheelUp", K_MOUSE_UP }, { "WheelDown", K_MOUSE_DOWN },
};

/* "Resize WxH" in [name, end): 1 with the two numbers. */
static int resize_size(const char *name, const char *end, long *w, long *h)
{
    if (end - name < 10 || strncmp(name, "Resize ", 7)) return 0;
    char *e;
    *w = strtol(name + 7, &e, 10);
    if (e == name + 7 || e >= end || *e != 'x') return 0;
    const char *t = e + 1;
    *h = strtol(t, &e, 10);
    return e > t && e <= end;
}

struct backend *headless_backend_open(const char *keys, int w, int h, char *err, int errlen)
{
    struct headless *hb = calloc(1, sizeof *hb);
    size_t cap = strlen(keys) + 1;
    if (!hb) return NULL;
    hb->ev = calloc(cap, sizeof *hb->ev);
    if (!hb->ev) { free(hb); return NULL; }
    hb->w = w;
    hb->h = h;
    for (const char *p = keys; *p;) {
        struct event *e = &hb->ev[hb->n];
        if (*p != '<') {
            *e = (struct event){ EV_KEY, (unsigned char)*p, 0, 0 };
            hb->n++;
            p++;
            continue;
        }
        const char *end = strchr(p, '>');
        if (!end) { snprintf(err, (size_t)errlen, "unterminated <...> in the key script"); goto bad; }
        size_t n = (size_t)(end - p - 1);
        const char *name = p + 1;
        long rw, rh;
        if (n == 4 && !strncmp(name, "Dump", 4)) {
            *e = (struct event){ EV_DUMP, 0, 0, 0 };
        } else if (resize_size(name, end, &rw, &rh)) {
            if (rw < 1 || rh < 1 || rw > 1000 || rh > 1000) {
                snprintf(err, (size_t)errlen, "<Resize %ldx%ld>: sizes go from 1 to 1000", rw, rh);
                goto bad;
            }
            *e = (struct event){ EV_RESIZE, 0, (int)rw, (int)rh };
        } else {
            size_t i;
            for (i = 0; i < sizeof names / sizeof names[0]; i++)
                if (strlen(names[i].name) == n && !strncmp(names[i].name, name, n)) break;
            if (i == sizeof names / sizeof names[0]) {
                snprintf(err, (size_t)errlen, "unknown key <%.*s> in the key script", (int)n, name);
                goto bad;
            }
            *e = (struct event){ EV_KEY, names[i].key, 0, 0 };
        }
        hb->n++;
        p = end + 1;
    }
    hb->base.get_key = get_key;
    hb->base.present = present;
    hb->base.size = size;
    hb->base.suspend = nothing;
    hb->base.resume = nothing;
    return &hb->base;
bad:
    free(hb->ev);
    free(hb);
    return NULL;
}

void headless_backend_close(struct backend *b)
{
    struct headless *hb = (struct headless *)b;
    if (!hb) return;
    free(hb->ev);
    free(hb);
}
