/* The browser: a stack of screens over the shared course data, driven by
 * keys from a terminal or from a script. Screens only paint into a canvas
 * and react to actions; the driver (app.c) owns the loop, the title and
 * status bars, resizing and the too-small screen. */
#ifndef MMAPLAB_APP_H
#define MMAPLAB_APP_H

#include "actions.h"
#include "canvas.h"
#include "lessons.h"
#include "manifest.h"
#include "paths.h"
#include "progress.h"
#include "search.h"

enum { APP_MIN_W = 30, APP_MIN_H = 8, APP_MAX_VIEWS = 8 };

struct app;

/* One screen type: a const table of operations (as tig's view_ops). */
struct screen_ops {
    const char *name;
    /* Paint the body: rows [top, top + rows) of the canvas. */
    void (*draw)(void *st, struct app *a, struct canvas *c, int top, int rows);
    /* React to an action; return 1 when handled, 0 to let the driver try. */
    int (*key)(void *st, struct app *a, enum action act);
    /* The title bar text for this screen, written into buf. */
    void (*title)(void *st, struct app *a, char *buf, int size);
    /* The body size changed (also called after a language switch). */
    void (*reflow)(void *st, struct app *a);
    void (*close)(void *st);
    /* Called about four times a second while no key comes (may be NULL):
     * for screens that watch something, like a lab in watch mode. */
    void (*tick)(void *st, struct app *a);
};

struct view {
    const struct screen_ops *ops;
    void *st;
};

/* How the driver gets keys and shows canvases. */
struct backend {
    int (*get_key)(struct backend *b);            /* K_NONE on timeout */
    void (*present)(struct backend *b, const struct canvas *c);
    void (*size)(struct backend *b, int *w, int *h);
    void (*suspend)(struct backend *b);           /* before running a child program */
    void (*resume)(struct backend *b);
    int interrupted;                              /* set by signal handlers */
};

struct app {
    struct paths paths;
    struct manifest manifest;
    struct lesson_list lessons;
    struct progress progress;
    char lang[4];
    int ascii;
    struct view views[APP_MAX_VIEWS];
    int depth;
    char status[256];
    int quit;
    int w, h;
    struct backend *be;
    struct canvas *canvas;
    int prompting;           /* typing a search after '/' */
    char typed[128];
    struct search search;    /* the last search; query "" when none */
    /* The first screen when not the contents (set before app_run). */
    const struct screen_ops *start_ops;
    void *start_st;
};

/* On failure err says why. */
mm_status app_init(struct app *a, const char *lang, int ascii, char *err, size_t errlen);
void app_free(struct app *a);
/* Run until quit; returns the exit status. */
int app_run(struct app *a, struct backend *be);
/* Push a screen; on failure the status bar says why. */
void app_push(struct app *a, const struct screen_ops *ops, void *st);
void app_pop(struct app *a);
void app_status(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Record a progress fact and save it; a failure shows in the status bar. */
void app_remember(struct app *a, const char *kind, const char *key, int x, int y);
/* Paint and show the screen now (before a slow step such as a check). */
void app_refresh(struct app *a);
/* Go to search hit number `at` (wrapping): opens or moves the lesson. */
void app_goto_hit(struct app *a, long at);
/* Paint the whole screen into a canvas (used by the driver and tests). */
void app_paint(struct app *a, struct canvas *c);

/* Screens. Each open function returns NULL (and sets the status) on error. */
extern const struct screen_ops contents_ops, lesson_ops, help_ops, lab_ops, quiz_ops;
void *contents_open(struct app *a);
void *lesson_open(struct app *a, size_t index);
/* Show a line of the open lesson screen near the top (for search hits). */
void lesson_show_line(void *st, struct app *a, size_t index, int line);
void lesson_position(void *st, size_t *index, int *top);
void *help_open(struct app *a);
void *lab_open(struct app *a, const struct lab *lab);
void *quiz_open(struct app *a, size_t lesson);
/* The page-cache playground on FILE (NULL: a scratch file), in a scenario
 * (NULL: free play). On failure NULL, and err says why (the status bar too). */
extern const struct screen_ops playground_ops;
void *playground_view_open(struct app *a, const char *file, const char *scenario, char *err, size_t errlen);

/* Shared by screens: lay out a Markdown file at a width. */
mm_status load_layout(const char *path, int width, int ascii, struct doc *d, struct layout *l);
/* Draw layout lines [first, first + rows) at canvas row top; the spans of
 * link `selected` (-1: none) are drawn selected. */
void draw_layout(struct canvas *c, const struct layout *l, int first, int top, int rows, int selected);

#endif
