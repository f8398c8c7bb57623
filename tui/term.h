/* Backends for the browser: a real terminal (curses) and a headless one
 * that replays scripted keys and prints screen dumps, for tests. */
#ifndef MMAPLAB_TERM_H
#define MMAPLAB_TERM_H

#include "app.h"

/* NULL when the terminal cannot be used (for example TERM=dumb). */
struct backend *curses_backend_open(int want_colour);
void curses_backend_close(struct backend *b);

/* keys: a script of keys, each a character or one of <Up> <Down> <Left>
 * <Right> <PgUp> <PgDn> <Home> <End> <Enter> <Esc> <Tab> <Space>
 * <WheelUp> <WheelDown>, plus <Resize WxH> (the terminal changes size) and
 * <Dump> (print the screen now). The screen is also printed at the end.
 * Returns NULL and an error message on a bad script. */
struct backend *headless_backend_open(const char *keys, int w, int h, char *err, int errlen);
void headless_backend_close(struct backend *b);

#endif
