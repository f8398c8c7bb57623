/* The terminal backend: ncursesw. Signals only set a flag (never draw);
 * every way out, including SIGINT and SIGTERM, ends curses before the
 * program exits. */
#include "term.h"
#include "theme.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct curses_backend {
    struct backend base;
    SCREEN *scr;
    int colour;
    short pairs[ROLE_COUNT];
};

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static int map_key(int ch)
{
    switch (ch) {
    case KEY_UP: return K_UP;
    case KEY_DOWN: return K_DOWN;
    case KEY_LEFT: return K_LEFT;
    case KEY_RIGHT: return K_RIGHT;
    case KEY_PPAGE: return K_PGUP;
    case KEY_NPAGE: return K_PGDN;
    case KEY_HOME: return K_HOME;
    case KEY_END: return K_END;
    case KEY_ENTER: case '\n': case '\r': return K_ENTER;
    case 27: return K_ESC;
    case KEY_BACKSPACE: case 127: return K_BACKSPACE;
    case '\t': return K_TAB;
    case KEY_RESIZE: return K_RESIZE;
    case KEY_MOUSE: {
        MEVENT ev;
        if (getmouse(&ev) == OK) {
            if (ev.bstate & BUTTON4_PRESSED) return K_MOUSE_UP;
#ifdef BUTTON5_PRESSED
            if (ev.bstate & BUTTON5_PRESSED) return K_MOUSE_DOWN;
#endif
        }
        return K_NONE;
    }
    default: return ch >= 0 && ch < 0x1000 ? ch : K_NONE;
    }
}

static int get_key(struct backend *b)
{
    (void)b;
    int ch = getch();
    if (got_signal) b->interrupted = 1;
    if (ch == ERR) return K_NONE;
    return map_key(ch);
}

static attr_t attrs_of(const struct curses_backend *cb, enum role r)
{
    const struct role_look *l = theme_look(r);
    int a = cb->colour ? l->colour_attrs : l->mono_attrs;
    attr_t out = A_NORMAL;
    if (a & THEME_BOLD) out |= A_BOLD;
    if (a & THEME_UNDERLINE) out |= A_UNDERLINE;
    if (a & THEME_REVERSE) out |= A_REVERSE;
    if (a & THEME_DIM) out |= A_DIM;
#ifdef A_ITALIC
    if (a & THEME_ITALIC) out |= A_ITALIC;
#endif
    return out;
}

static void present(struct backend *b, const struct canvas *c)
{
    struct curses_backend *cb = (struct curses_backend *)b;
    erase();
    for (int y = 0; y < c->h && y < LINES; y++) {
        move(y, 0);
        for (int x = 0; x < c->w && x < COLS; x++) {
            const struct cell *cl = &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
            if (!cl->ch[0]) continue; /* right half of a wide character */
            attr_t at = attrs_of(cb, cl->role);
            short pair = (short)(cb->colour ? cb->pairs[cl->role] : 0);
            attr_set(at, pair, NULL);
            mvaddstr(y, x, cl->ch);
        }
    }
    attr_set(A_NORMAL, 0, NULL);
    refresh();
}

static void size(struct backend *b, int *w, int *h)
{
    (void)b;
    *w = COLS;
    *h = LINES;
}

static void suspend(struct backend *b)
{
    (void)b;
    def_prog_mode();
    endwin();
}

static void resume(struct backend *b)
{
    (void)b;
    reset_prog_mode();
    refresh();
}

struct backend *curses_backend_open(int want_colour)
{
    struct curses_backend *cb = calloc(1, sizeof *cb);
    if (!cb) return NULL;
    /* newterm, unlike initscr, reports an unusable terminal instead of
     * exiting. */
    const char *term = getenv("TERM");
    if (!term || !*term || !strcmp(term, "dumb")) {
        free(cb);
        return NULL;
    }
    cb->scr = newterm(NULL, stdout, stdin);
    if (!cb->scr) {
        free(cb);
        return NULL;
    }
    /* A terminal that cannot move the cursor cannot show a full screen. */
    const char *cup = tigetstr("cup");
    if (!cup || cup == (const char *)-1) {
        endwin();
        delscreen(cb->scr);
        free(cb);
        return NULL;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    timeout(250); /* wake up to notice signals */
    set_escdelay(25);
    mousemask(BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                  | BUTTON5_PRESSED
#endif
              , NULL);
    cb->colour = want_colour && has_colors();
    if (cb->colour) {
        start_color();
        use_default_colors();
        short next = 1;
        for (int r = 0; r < ROLE_COUNT; r++) {
            const struct role_look *l = theme_look((enum role)r);
            if (l->fg == TC_DEFAULT || next >= COLOR_PAIRS) { cb->pairs[r] = 0; continue; }
            init_pair(next, (short)l->fg, -1);
            cb->pairs[r] = next++;
        }
    }
    cb->base.get_key = get_key;
    cb->base.present = present;
    cb->base.size = size;
    cb->base.suspend = suspend;
    cb->base.resume = resume;
    return &cb->base;
}

void curses_backend_close(struct backend *b)
{
    struct curses_backend *cb = (struct curses_backend *)b;
    if (!cb) return;
    endwin();
    delscreen(cb->scr);
    free(cb);
}
