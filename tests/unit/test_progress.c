/* The progress file: parsing, rejecting damage, atomic saves. */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "progress.h"
#include "unit.h"

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

/* rm -rf without a shell: children first (FTW_DEPTH), links not followed. */
static int remove_tree(const char *dir)
{
    return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(void)
{
    struct progress p = {0};
    char err[200];
    const char *good = "mmaplab-progress 1\n# a comment\nlast 07-sigbus.md 120\nread 04-reading.md\n"
                       "hints 03 2\nlab 03 17 20\nquiz 07-sigbus.md 4 5\n";
    CHECK(progress_parse(&p, good, err, sizeof err) == MM_OK && p.n == 5, "a valid file parses");
    struct progress_entry *e = progress_get(&p, "lab", "03");
    CHECK(e && e->a == 17 && e->b == 20, "lab scores are read");
    CHECK(progress_get(&p, "read", "04-reading.md") != NULL, "read chapters are read");
    CHECK(progress_set(&p, "last", "07-sigbus.md", 5, 0) == MM_OK && p.n == 5 &&
              !strcmp(p.e[p.n - 1].kind, "last"),
          "updating a fact moves it last");
    progress_free(&p);
    CHECK(progress_parse(&p, "mmaplab-progress 1\npredict 03-truncate-sigbus.2 2 1\nplayed 03-truncate-sigbus 3 4\n", err,
                         sizeof err) == MM_OK && p.n == 2 && progress_get(&p, "played", "03-truncate-sigbus")->a == 3,
          "playground predictions and scenario results parse under the same header");
    progress_free(&p);
    CHECK(progress_parse(&p, "mmaplab-progress 1\nlab\t03  2147483647 20\n", err, sizeof err) == MM_OK &&
              progress_get(&p, "lab", "03")->a == 2147483647,
          "fields may be separated by tabs and runs of blanks; INT_MAX is a number");
    progress_free(&p);

    const char *bad[] = {
        "", "garbage\n", "mmaplab-progress 2\n", "mmaplab-progress 1\nlab 03 17\n",
        "mmaplab-progress 1\nlab 03 17 20 9\n", "mmaplab-progress 1\nfrobnicate x\n",
        "mmaplab-progress 1\nlast ../../etc 1\n", "mmaplab-progress 1\nlab 03 -1 20\n",
        "mmaplab-progress 1\nlab 03 17 20", /* cut short: no final newline */
        "mmaplab-progress 1\nlab 03 99999999999 20\n", /* past INT_MAX */
        "mmaplab-progress 1\nlab 03 +17 20\n", "mmaplab-progress 1\nlab 03 17x 20\n",
        "mmaplab-progress 1\nlab 03 17 20 \t 4\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct progress q = {0};
        char name[80];
        snprintf(name, sizeof name, "damaged input %zu is rejected with a reason", i);
        err[0] = 0;
        CHECK(progress_parse(&q, bad[i], err, sizeof err) != MM_OK && err[0], name);
        progress_free(&q);
    }

    /* Save and load round trip in a temporary workspace. */
    char dir[] = "/tmp/mmaplab-progress-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "a temporary workspace");
    CHECK(progress_load(&p, dir) == MM_OK && p.n == 0 && !p.warning[0], "no file: empty progress, no warning");
    progress_set(&p, "lab", "01", 20, 20);
    progress_set(&p, "last", "01-why-mmap.md", 3, 0);
    CHECK(progress_save(&p) == MM_OK, "save");
    progress_free(&p);
    CHECK(progress_load(&p, dir) == MM_OK && p.n == 2 && progress_get(&p, "lab", "01"), "load what was saved");
    progress_free(&p);

    char path[200];
    snprintf(path, sizeof path, "%s/.mmaplab/state", dir);
    FILE *f = fopen(path, "w");
    fputs("mmaplab-progress 1\nlab 01 2", f); /* a torn write */
    fclose(f);
    CHECK(progress_load(&p, dir) == MM_OK && p.n == 0 && strstr(p.warning, "damaged"),
          "a damaged file is set aside with a warning");
    struct stat st;
    CHECK(stat(path, &st) != 0, "the damaged file is moved out of the way");
    progress_free(&p);
    CHECK(remove_tree(dir) == 0, "clean up");
    return unit_done();
}
