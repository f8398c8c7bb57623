/* The subcommands of the mmaplab program. Each returns the process exit
 * status. */
#ifndef MMAPLAB_CLI_H
#define MMAPLAB_CLI_H

struct cli {
    const char *lang;   /* "en" or "zh" */
    int colour;         /* ANSI colour on standard output */
    int ascii;          /* the locale is not UTF-8: draw with ASCII only */
};

int cmd_list(const struct cli *c, int argc, char **argv);
int cmd_check(const struct cli *c, int argc, char **argv);
int cmd_show(const struct cli *c, int argc, char **argv);
int cmd_init(const struct cli *c, int argc, char **argv);
int cmd_progress(const struct cli *c, int argc, char **argv);
int cmd_hint(const struct cli *c, int argc, char **argv);
int cmd_reset(const struct cli *c, int argc, char **argv);
int cmd_watch(const struct cli *c, int argc, char **argv);
int cmd_grade(const struct cli *c, int argc, char **argv);
int cmd_grade_all(const struct cli *c, int argc, char **argv);
/* keys/size: a headless run for tests (NULL for the real terminal). */
int cmd_browse(const struct cli *c, const char *keys, const char *size);
/* keys/size as for cmd_browse. */
int cmd_playground(const struct cli *c, int argc, char **argv, const char *keys, const char *size);

#endif
