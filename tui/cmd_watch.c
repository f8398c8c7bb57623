/* `mmaplab watch LAB`: check the lab, then check it again whenever one of
 * its student files changes. inotify tells us at once on local file
 * systems; on those where it stays silent (some network and container
 * mounts) a once-a-second look at size and modification time catches the
 * change anyway. Enter re-runs the check by hand; Ctrl-C ends. */
#include "check.h"
#include "cli.h"
#include "course.h"
#include "util.h"
#include "watcher.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static int run_once(const struct cli *c, const struct paths *p, const struct lab *lab, int n)
{
    struct lab_result r;
    printf("\n=== check %d of lab %s ===\n", n, lab->id);
    fflush(stdout);
    mm_status st = lab_check(p, lab, NULL, &r);
    if (st != MM_OK) {
        fprintf(stderr, "mmaplab watch: %s\n", mm_strerror(st));
        lab_result_free(&r);
        return 0;
    }
    lab_result_print(stdout, lab, &r, c->colour);
    int done = r.complete && !r.failed && r.score == r.max;
    if (done) printf("All tests pass. Well done.\n");
    printf("Watching %s for changes (Enter checks again, Ctrl-C stops).\n", lab->files[0]);
    fflush(stdout);
    lab_result_free(&r);
    return 1;
}

int cmd_watch(const struct cli *c, int argc, char **argv)
{
    const char *key = NULL;
    int max_checks = 0;
    double poll_s = 1.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--max-checks") && i + 1 < argc) max_checks = (int)strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--poll") && i + 1 < argc) poll_s = strtod(argv[++i], NULL);
        else if (!key && argv[i][0] != '-') key = argv[i];
        else { key = NULL; break; }
    }
    if (!key || poll_s <= 0) {
        fprintf(stderr, "usage: mmaplab watch [--max-checks N] [--poll SECONDS] LAB\n");
        return 2;
    }
    struct paths p;
    struct manifest m;
    if (!course_open(&p, &m, "watch")) return 1;
    const struct lab *lab = manifest_find(&m, key);
    if (!lab) {
        fprintf(stderr, "mmaplab watch: no lab '%s'; `mmaplab list` shows the labs\n", key);
        manifest_free(&m);
        paths_free(&p);
        return 2;
    }
    char rel[300];
    snprintf(rel, sizeof rel, "labs/%s", lab->dir);
    char *dir = path_join(p.workspace, rel);
    struct watcher *w = dir ? watcher_open(dir, lab->files, lab->nfiles) : NULL;
    int rc = 0;
    if (!w) { rc = 1; goto out; }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int in = watcher_fd(w);
    if (in < 0) printf("(inotify is not available here: looking for changes every %.1f s)\n", poll_s);

    int checks = 0;
    run_once(c, &p, lab, ++checks);
    int stdin_open = isatty(0);
    while (!stop && (!max_checks || checks < max_checks)) {
        struct pollfd pf[2];
        int n = 0;
        if (in >= 0) pf[n++] = (struct pollfd){ in, POLLIN, 0 };
        if (stdin_open) pf[n++] = (struct pollfd){ 0, POLLIN, 0 };
        int r = poll(pf, (nfds_t)n, (int)(poll_s * 1000));
        if (r < 0 && errno != EINTR) break;
        int again = 0;
        for (int k = 0; r > 0 && k < n; k++) {
            if (pf[k].fd != 0 || !(pf[k].revents & (POLLIN | POLLHUP))) continue;
            char line[256];
            if (!fgets(line, sizeof line, stdin)) stdin_open = 0;
            else again = 1;
        }
        if (watcher_changed(w)) again = 1;
        if (again && !stop) run_once(c, &p, lab, ++checks);
    }
out:
    watcher_close(w);
    free(dir);
    manifest_free(&m);
    paths_free(&p);
    return rc;
}
