/* Noticing that a lab's student files changed: inotify on their folder
 * (editors often save by renaming a new file over the old one), and the
 * size and modification time of each file compared on every look, which
 * also covers file systems where inotify stays silent. */
#ifndef MMAPLAB_WATCHER_H
#define MMAPLAB_WATCHER_H

#include <stddef.h>

struct watcher;

/* files: names inside dir. NULL on allocation failure. */
struct watcher *watcher_open(const char *dir, char *const *files, size_t n);
void watcher_close(struct watcher *w);
/* The inotify descriptor to poll, or -1 when inotify is not available. */
int watcher_fd(const struct watcher *w);
/* 1 when a file changed since the last call (drains inotify events). */
int watcher_changed(struct watcher *w);

#endif
