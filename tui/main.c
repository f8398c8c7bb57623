/* mmaplab: the command line. Subcommands live in cmd_*.c; this file only
 * reads the global options and dispatches. */
#include "cli.h"

#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef MMAPLAB_VERSION
#define MMAPLAB_VERSION "0.0.0-dev"
#endif

static const char help_text[] =
    "mmaplab - learn Linux memory mapping: lessons, labs and tests\n"
    "\n"
    "usage: mmaplab [--lang en|zh] [COMMAND [ARGS]]\n"
    "\n"
    "Without a command, mmaplab opens the course browser (press ? there for keys).\n"
    "\n"
    "commands:\n"
    "  list               the chapters and the labs, in order\n"
    "  show LESSON        a chapter as text, for pipes and screen readers\n"
    "                     (--width N columns, --ascii for non-UTF-8 terminals)\n"
    "  check [LAB...]     build your lab and run its tests; every lab without LAB\n"
    "                     (--root DIR checks the NN-slug/ folders in DIR instead)\n"
    "  watch LAB          check again each time you save the lab's file\n"
    "  hint LAB           the next hint of a lab\n"
    "  reset [--yes] LAB  put the lab's skeleton back (your file is kept as a backup)\n"
    "  init DIR           make DIR a workspace with a copy of every lab\n"
    "  progress           chapters read, lab scores, where to resume\n"
    "  playground [--scenario NAME] [FILE]\n"
    "                     map FILE (default: a scratch file) and watch its pages in\n"
    "                     the page cache and the page tables after each call\n"
    "  grade [SUBMISSION] grade a submission (folder, workspace, .tar.gz or .zip):\n"
    "                     --format text|tap|junit|gradescope|exercism|csv, --output FILE,\n"
    "                     --labs LIST\n"
    "  grade-all DIR --csv FILE\n"
    "                     grade a class: each folder or archive in DIR is a student,\n"
    "                     graded with GNU parallel (--jobs N, --reports DIR,\n"
    "                     --sshloginfile FILE, --labs LIST); one CSV row per student\n"
    "\n"
    "options:\n"
    "  --lang en|zh       language of the lessons (default: from LC_ALL/LC_MESSAGES/LANG)\n"
    "  -h, --help         this help\n"
    "  -V, --version      the version\n"
    "  --keys SCRIPT      run the browser headless on scripted keys and print\n"
    "                     the screen (for tests); --size WxH sets its size\n"
    "\n"
    "environment:\n"
    "  MMAPLAB_DATA       the folder with labs/manifest, lessons/ and tests/\n"
    "  MMAPLAB_WORKSPACE  the folder whose labs/ hold your work\n"
    "  NO_COLOR           no colours in the output\n"
    "\n"
    "A lab is done when `mmaplab check NN` scores full points. See mmaplab(1).\n";

static const char *lang_from_locale(void)
{
    const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG", NULL };
    for (int i = 0; vars[i]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return strncmp(v, "zh", 2) == 0 ? "zh" : "en";
    }
    return "en";
}

int main(int argc, char **argv)
{
    setlocale(LC_ALL, "");
    struct cli c = { .lang = lang_from_locale() };
    c.ascii = strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    const char *nc = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    c.colour = isatty(1) && !(nc && *nc) && !(term && !strcmp(term, "dumb"));

    const char *keys = NULL, *size = NULL;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            fputs(help_text, stdout);
            return 0;
        } else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
            printf("mmaplab %s\n", MMAPLAB_VERSION);
            return 0;
        } else if (!strcmp(a, "--lang") || !strncmp(a, "--lang=", 7)) {
            const char *v = a[6] == '=' ? a + 7 : (i + 1 < argc ? argv[++i] : "");
            if (strcmp(v, "en") && strcmp(v, "zh")) {
                fprintf(stderr, "mmaplab: --lang takes en or zh, not '%s'\n", v);
                return 2;
            }
            c.lang = v;
        } else if (!strcmp(a, "--keys") && i + 1 < argc) {
            keys = argv[++i];
        } else if (!strcmp(a, "--size") && i + 1 < argc) {
            size = argv[++i];
        } else {
            fprintf(stderr, "mmaplab: unknown option '%s'; see mmaplab --help\n", a);
            return 2;
        }
    }
    if (i >= argc) return cmd_browse(&c, keys, size);
    const char *cmd = argv[i];
    if (!strcmp(cmd, "list")) return cmd_list(&c, argc - i, argv + i);
    if (!strcmp(cmd, "check")) return cmd_check(&c, argc - i, argv + i);
    if (!strcmp(cmd, "show")) return cmd_show(&c, argc - i, argv + i);
    if (!strcmp(cmd, "init")) return cmd_init(&c, argc - i, argv + i);
    if (!strcmp(cmd, "progress")) return cmd_progress(&c, argc - i, argv + i);
    if (!strcmp(cmd, "hint")) return cmd_hint(&c, argc - i, argv + i);
    if (!strcmp(cmd, "reset")) return cmd_reset(&c, argc - i, argv + i);
    if (!strcmp(cmd, "watch")) return cmd_watch(&c, argc - i, argv + i);
    if (!strcmp(cmd, "grade")) return cmd_grade(&c, argc - i, argv + i);
    if (!strcmp(cmd, "playground")) return cmd_playground(&c, argc - i, argv + i, keys, size);
    if (!strcmp(cmd, "grade-all")) return cmd_grade_all(&c, argc - i, argv + i);
    if (!strcmp(cmd, "help")) {
        fputs(help_text, stdout);
        return 0;
    }
    fprintf(stderr, "mmaplab: unknown command '%s'; see mmaplab --help\n", cmd);
    return 2;
}
