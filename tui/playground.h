/* The page-cache playground's model: a file mapped into this process, the
 * actions on it (each logged like strace, with why the pages changed), and
 * the state of every page of the mapping after each action. No drawing:
 * screen_playground.c shows it, cmd_playground.c starts it.
 *
 * Page state comes from the kernel where it can: the page cache from
 * mincore(2), the page tables from /proc/self/pagemap (present bit; the
 * PFNs are zeroed for non-root, which the playground does not need).
 * "Written since the last sync" is tracked by the playground itself: it
 * knows which pages it wrote and when it last called msync(MS_SYNC). */
#ifndef MMAPLAB_PLAYGROUND_H
#define MMAPLAB_PLAYGROUND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "errors.h"
#include "fault_guard.h"
#include "playground_probe.h"
#include "scenario.h"

enum { PG_MAX_PAGES = 1024, PG_SCRATCH_PAGES = 64, PG_LOG_MAX = 64 };

/* One page of the mapping as last probed. */
struct pg_page {
    signed char cached;     /* 1 / 0, -1 unknown (mincore failed) */
    signed char present;    /* 1 / 0, -1 unknown (no pagemap) */
    signed char file_page;  /* present and still the file's page (not a private copy); -1 unknown */
    unsigned char written;  /* written since the last msync(MS_SYNC) (tracked) */
    unsigned char copied;   /* a MAP_PRIVATE page this process wrote (tracked) */
    unsigned char past_eof; /* wholly beyond the end of the file */
};

enum pg_tone { PG_TONE_OK, PG_TONE_FAULT, PG_TONE_ERROR, PG_TONE_INFO };

/* The interface languages a log entry is kept in (0 en, 1 zh). */
enum { PG_LANGS = 2 };
const char *pg_lang_name(int i);
int pg_lang_index(const char *lang);

/* One log entry: the call as strace would show it, what changed, and why;
 * the last two in every language, so switching language rewrites the log. */
struct pg_log {
    char call[192];
    char change[PG_LANGS][192];
    char why[PG_LANGS][512];
    enum pg_tone tone;
};

/* What the last action did, for scenario checks. */
struct pg_outcome {
    int ran;                 /* an action ran (not refused before any call) */
    int error;               /* errno of a failed call, 0 when none */
    struct fault_info fault; /* signo 0: no fault */
    int parent_sees;         /* fork-write: -1 unknown */
    int file_sees;           /* write: -1 unknown */
    long rss_file_before, rss_file_after;
};

struct playground {
    char lang[4];
    char *path;              /* the mapped file */
    char *tmpdir;            /* the private folder of a scratch file, removed at close */
    int scratch;
    char fstype[32];
    int tmpfs;               /* the file lives in memory only (tmpfs, ramfs) */
    int fd, fd_writable;
    size_t pagesize, npages, len;
    off_t size;              /* the file's size now */
    unsigned char *map;      /* NULL when mapping failed */
    int private_map;         /* MAP_PRIVATE instead of MAP_SHARED */
    int writable;            /* PROT_WRITE now */
    struct pg_page *pages;
    uint64_t *pm;            /* pagemap entries (scratch) */
    unsigned char *vec;      /* mincore vector (scratch) */
    int pagemap_fd;          /* -1: no pagemap */
    char pagemap_note[200];  /* why there is none, or "" */
    int mincore_error;
    struct pg_counters now, before;
    long faults_min, faults_maj;   /* during the last action */
    struct pg_log log[PG_LOG_MAX];
    size_t nlog;             /* entries ever written; the last PG_LOG_MAX are kept */
    struct pg_outcome out;
    unsigned char gen;       /* the next byte a write stores */
};

/* Map FILE (NULL: a scratch file of PG_SCRATCH_PAGES pages in a private
 * folder on a disk file system when there is one: workspace/.mmaplab,
 * /var/tmp, $TMPDIR, /tmp). pagemap_path NULL: /proc/self/pagemap. On
 * failure err says why (in the language lang). */
mm_status playground_open(struct playground *pg, const char *file, const char *workspace, const char *lang,
                          const char *pagemap_path, char *err, size_t errlen);
/* Unmap, close, remove a scratch file and its folder. */
void playground_close(struct playground *pg);
void playground_set_lang(struct playground *pg, const char *lang);

/* Run an action; its log entry is added and the page states re-probed. */
void playground_do(struct playground *pg, const struct pg_request *r);
/* Probe the page states and counters again (also done after every action). */
void playground_probe(struct playground *pg);

/* Log entry i counted from the newest (0), or NULL. */
const struct pg_log *playground_log(const struct playground *pg, size_t i);
size_t playground_log_count(const struct playground *pg);

/* Does the last outcome match an expectation? When not, what was observed
 * goes into buf. */
int playground_check(const struct playground *pg, const struct scn_expect *e, char *buf, size_t size);

/* One character for a page's state: . c M W w C x ? (see the legend). */
char playground_glyph(const struct playground *pg, size_t page);

#endif
