/* Starting the app on a screen: the terminal, or a headless screen driven
 * by a key script (--keys, --size) for tests. Shared by the browser and
 * the playground commands. */
#ifndef MMAPLAB_APP_LAUNCH_H
#define MMAPLAB_APP_LAUNCH_H

#include "app.h"
#include "cli.h"

enum { LAUNCH_NO_TERMINAL = -1, LAUNCH_BAD_KEYS = -2 };

/* "WIDTHxHEIGHT", each from 1 to 1000 (NULL keeps *w, *h). 0 when valid;
 * otherwise -1 and a message on stderr. */
int launch_size(const char *size, int *w, int *h);

/* Runs the app: headless on keys at w x h, or on this terminal when keys is
 * NULL. Returns the app's exit status; LAUNCH_BAD_KEYS when the key
 * script is bad (message printed); LAUNCH_NO_TERMINAL when the terminal
 * cannot draw (nothing printed: the caller says what it does instead). */
int launch_app(struct app *a, const struct cli *c, const char *keys, int w, int h);

#endif
