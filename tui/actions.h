/* Every action of the browser, its keys and its help text: one table. The
 * key map and the help screen are both generated from it. */
#ifndef MMAPLAB_ACTIONS_H
#define MMAPLAB_ACTIONS_H

/* Key codes: printable keys are their character; special keys use the
 * values below (independent of curses, so the headless driver can make
 * them too). */
enum {
    K_UP = 0x1000, K_DOWN, K_LEFT, K_RIGHT, K_PGUP, K_PGDN, K_HOME, K_END, K_ENTER, K_ESC,
    K_BACKSPACE, K_TAB, K_RESIZE, K_MOUSE_UP, K_MOUSE_DOWN, K_NONE,
};

#define CTRL_KEY(c) ((c) & 0x1f)

/*      name          keys (up to 3)                help text */
#define ACTION_TABLE(X)                                                                   \
    X(ACT_DOWN,     'j', K_DOWN, K_MOUSE_DOWN,      "move down / scroll down")            \
    X(ACT_UP,       'k', K_UP, K_MOUSE_UP,          "move up / scroll up")                \
    X(ACT_PGDN,     ' ', K_PGDN, CTRL_KEY('f'),     "next page")                          \
    X(ACT_PGUP,     'b', K_PGUP, CTRL_KEY('b'),     "previous page")                      \
    X(ACT_TOP,      'g', K_HOME, 0,                 "go to the top")                      \
    X(ACT_BOTTOM,   'G', K_END, 0,                  "go to the end")                      \
    X(ACT_OPEN,     K_ENTER, 'o', K_RIGHT,          "open the chapter, lab or selected link") \
    X(ACT_LINK,     K_TAB, 0, 0,                    "select the next link on screen")     \
    X(ACT_BACK,     'q', K_ESC, K_LEFT,             "back (quit from the contents)")      \
    X(ACT_QUIT,     'Q', 0, 0,                      "quit mmaplab")                       \
    X(ACT_NEXT,     'n', 0, 0,                      "next chapter")                       \
    X(ACT_PREV,     'p', 0, 0,                      "previous chapter")                   \
    X(ACT_LAB,      'l', 0, 0,                      "open this chapter's lab")            \
    X(ACT_QUIZ,     'a', 0, 0,                      "answer this chapter's quiz")         \
    X(ACT_CHECK,    'c', 0, 0,                      "check the lab (build and run its tests)") \
    X(ACT_HINT,     'h', 0, 0,                      "show the next hint of the lab")      \
    X(ACT_EDIT,     'e', 0, 0,                      "edit the lab's file in $VISUAL or $EDITOR, then check") \
    X(ACT_WATCH,    'w', 0, 0,                      "watch mode: check again whenever the file is saved") \
    X(ACT_SEARCH,   '/', 0, 0,                      "search all chapters (n / N: next / previous hit)") \
    X(ACT_PREVHIT,  'N', 0, 0,                      "previous search hit")                \
    X(ACT_LANG,     'L', 0, 0,                      "switch language: English / 中文")    \
    X(ACT_HELP,     '?', 0, 0,                      "this help")                          \
    X(ACT_REDRAW,   CTRL_KEY('l'), 0, 0,            "redraw the screen")                  \
    X(ACT_PLAYGROUND, 'P', 0, 0,                    "open the page-cache playground")     \
    X(ACT_PG_READ,  'r', 0, 0,                      "playground: read a byte of the page under the cursor") \
    X(ACT_PG_WRITE, 'W', 0, 0,                      "playground: write a byte to the page under the cursor") \
    X(ACT_PG_TOUCH, 't', 0, 0,                      "playground: touch (read) every page of the range") \
    X(ACT_PG_WIDER, '+', '=', 0,                    "playground: a longer range (from the cursor)") \
    X(ACT_PG_NARROWER, '-', 0, 0,                   "playground: a shorter range")        \
    X(ACT_PG_SYNC,  's', 0, 0,                      "playground: msync(MS_SYNC) the range") \
    X(ACT_PG_ASYNC, 'S', 0, 0,                      "playground: msync(MS_ASYNC) the range") \
    X(ACT_PG_DONTNEED, 'd', 0, 0,                   "playground: madvise(MADV_DONTNEED) the range") \
    X(ACT_PG_WILLNEED, 'i', 0, 0,                   "playground: madvise(MADV_WILLNEED) the range") \
    X(ACT_PG_SEQUENTIAL, 'u', 0, 0,                 "playground: madvise(MADV_SEQUENTIAL) the range") \
    X(ACT_PG_RANDOM, 'R', 0, 0,                     "playground: madvise(MADV_RANDOM) the range") \
    X(ACT_PG_PAGEOUT, 'O', 0, 0,                    "playground: madvise(MADV_PAGEOUT) the range") \
    X(ACT_PG_FADVISE, 'D', 0, 0,                    "playground: posix_fadvise(POSIX_FADV_DONTNEED) the range") \
    X(ACT_PG_SHRINK, 'x', 0, 0,                     "playground: ftruncate the file to end at the cursor") \
    X(ACT_PG_GROW,  'X', 0, 0,                      "playground: ftruncate the file back to the mapping's length") \
    X(ACT_PG_PROTECT, 'm', 0, 0,                    "playground: mprotect the mapping read-only / read-write") \
    X(ACT_PG_MAPKIND, 'M', 0, 0,                    "playground: map again as MAP_PRIVATE / MAP_SHARED") \
    X(ACT_PG_FORK,  'f', 0, 0,                      "playground: fork a child that writes the page under the cursor")

enum action {
    ACT_NONE,
#define ACT_ENUM(name, k1, k2, k3, help) name,
    ACTION_TABLE(ACT_ENUM)
#undef ACT_ENUM
    ACT_COUNT
};

struct action_info {
    enum action action;
    int keys[3];
    const char *help;
};

enum action action_for_key(int key);
/* The table, for the help screen; *n receives its length. */
const struct action_info *action_table(int *n);
/* Printable name of a key ("j", "Down", "PgDn", "Ctrl-L") into buf. */
const char *key_label(int key, char *buf, int size);

#endif
