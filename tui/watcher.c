#include "watcher.h"
#include "util.h"

#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

struct stamp {
    long long size, mtime_ns;
    int exists;
};

struct watcher {
    int fd;
    size_t n;
    char **paths;
    struct stamp *stamps;
};

static void take(const char *path, struct stamp *s)
{
    struct stat st;
    s->exists = stat(path, &st) == 0;
    s->size = s->exists ? (long long)st.st_size : -1;
    s->mtime_ns = s->exists ? (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec : -1;
}

struct watcher *watcher_open(const char *dir, char *const *files, size_t n)
{
    struct watcher *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->fd = -1;
    w->n = n;
    w->paths = calloc(n ? n : 1, sizeof *w->paths);
    w->stamps = calloc(n ? n : 1, sizeof *w->stamps);
    if (!w->paths || !w->stamps) { watcher_close(w); return NULL; }
    for (size_t i = 0; i < n; i++) {
        w->paths[i] = path_join(dir, files[i]);
        if (!w->paths[i]) { watcher_close(w); return NULL; }
        take(w->paths[i], &w->stamps[i]);
    }
    w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->fd >= 0 && inotify_add_watch(w->fd, dir, IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0) {
        close(w->fd);
        w->fd = -1;
    }
    return w;
}

void watcher_close(struct watcher *w)
{
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    for (size_t i = 0; w->paths && i < w->n; i++) free(w->paths[i]);
    free(w->paths);
    free(w->stamps);
    free(w);
}

int watcher_fd(const struct watcher *w)
{
    return w->fd;
}

int watcher_changed(struct watcher *w)
{
    if (w->fd >= 0) {
        char buf[4096];
        while (read(w->fd, buf, sizeof buf) > 0) {}
    }
    /* The stamps decide, whatever inotify said. */
    int changed = 0;
    for (size_t i = 0; i < w->n; i++) {
        struct stamp now;
        take(w->paths[i], &now);
        if (now.exists != w->stamps[i].exists || now.size != w->stamps[i].size ||
            now.mtime_ns != w->stamps[i].mtime_ns) {
            w->stamps[i] = now;
            changed = 1;
        }
    }
    return changed;
}
