#include "paths.h"
#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MMAPLAB_DATADIR
#define MMAPLAB_DATADIR "/usr/local/share/mmaplab"
#endif
#ifndef MMAPLAB_LIBEXECDIR
#define MMAPLAB_LIBEXECDIR "/usr/local/libexec/mmaplab"
#endif

void paths_free(struct paths *p)
{
    free(p->data);
    free(p->tools);
    free(p->workspace);
    memset(p, 0, sizeof *p);
}

static int has_manifest(const char *dir)
{
    char *m = path_join(dir, "labs/manifest");
    int ok = m && file_exists(m);
    free(m);
    return ok;
}

static int has_tools(const char *dir)
{
    char *s = path_join(dir, "sandbox"), *c = path_join(dir, "calltrace.so");
    int ok = s && c && access(s, X_OK) == 0 && file_exists(c);
    free(s);
    free(c);
    return ok;
}

/* realpath of a candidate, or NULL. */
static char *resolve(const char *base, const char *rel)
{
    char *j = rel ? path_join(base, rel) : strdup(base);
    if (!j) return NULL;
    char *r = realpath(j, NULL);
    free(j);
    return r;
}

static char *exe_dir(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return NULL;
    buf[n] = 0;
    char *slash = strrchr(buf, '/');
    if (!slash) return NULL;
    *slash = 0;
    return strdup(buf);
}

mm_status paths_find(struct paths *p)
{
    memset(p, 0, sizeof *p);
    char *exe = exe_dir();
    const char *env = getenv("MMAPLAB_DATA");
    if (env && *env) {
        /* An explicit setting that points nowhere is an error, not a hint. */
        p->data = resolve(env, NULL);
        if (!p->data || !has_manifest(p->data)) {
            free(exe);
            paths_free(p);
            return MM_ERR_NO_DATA;
        }
    }
    if (!p->data && exe) {
        /* build/mmaplab and build/asan/mmaplab in a source tree; bin/ with
         * share/mmaplab when installed. */
        const char *cands[] = { "..", "../..", "../share/mmaplab", NULL };
        for (int i = 0; cands[i] && !p->data; i++) {
            char *c = resolve(exe, cands[i]);
            if (c && has_manifest(c)) p->data = c;
            else free(c);
        }
    }
    if (!p->data && has_manifest(MMAPLAB_DATADIR)) p->data = strdup(MMAPLAB_DATADIR);
    if (!p->data || !has_manifest(p->data)) {
        free(exe);
        paths_free(p);
        return MM_ERR_NO_DATA;
    }

    env = getenv("MMAPLAB_TOOLS");
    if (env && *env) p->tools = resolve(env, NULL);
    if (!p->tools && exe) {
        const char *cands[] = { "tools", "../tools", "../libexec/mmaplab", NULL };
        for (int i = 0; cands[i] && !p->tools; i++) {
            char *c = resolve(exe, cands[i]);
            if (c && has_tools(c)) p->tools = c;
            else free(c);
        }
    }
    if (!p->tools && has_tools(MMAPLAB_LIBEXECDIR)) p->tools = strdup(MMAPLAB_LIBEXECDIR);
    free(exe);

    env = getenv("MMAPLAB_WORKSPACE");
    if (env && *env) {
        p->workspace = resolve(env, NULL);
        if (!p->workspace) {
            paths_free(p);
            return MM_ERR_WORKSPACE;
        }
    }
    if (!p->workspace) {
        char *dir = getcwd(NULL, 0);
        while (dir && !p->workspace) {
            if (has_manifest(dir)) { p->workspace = dir; dir = NULL; break; }
            char *slash = strrchr(dir, '/');
            if (!slash || slash == dir) { free(dir); dir = NULL; break; }
            *slash = 0;
        }
        free(dir);
    }
    if (!p->workspace) p->workspace = strdup(p->data);
    return p->workspace ? MM_OK : MM_ERR_NOMEM;
}
