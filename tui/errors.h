/* Status codes returned by mmaplab's modules, and their messages. Functions
 * return an mm_status; the caller decides whether to print and exit, so no
 * module exits behind the terminal's back. */
#ifndef MMAPLAB_ERRORS_H
#define MMAPLAB_ERRORS_H

#define MM_STATUS_TABLE(X)                                                        \
    X(MM_OK, "ok")                                                                \
    X(MM_ERR_NOMEM, "out of memory")                                              \
    X(MM_ERR_IO, "input/output error")                                            \
    X(MM_ERR_NO_DATA, "cannot find mmaplab's data (labs/manifest); set MMAPLAB_DATA to the project folder") \
    X(MM_ERR_MANIFEST, "labs/manifest is malformed")                              \
    X(MM_ERR_WORKSPACE, "MMAPLAB_WORKSPACE names a folder that does not exist; create it with `mmaplab init DIR`") \
    X(MM_ERR_NO_LAB, "no such lab; `mmaplab list` shows the labs")                \
    X(MM_ERR_NO_BATS, "bats is not installed; run `make deps` or `apt-get install bats bats-support bats-assert bats-file`") \
    X(MM_ERR_TAP, "the test runner's output could not be read")                   \
    X(MM_ERR_USAGE, "wrong usage; see `mmaplab --help`")

typedef enum {
#define MM_ENUM(name, text) name,
    MM_STATUS_TABLE(MM_ENUM)
#undef MM_ENUM
} mm_status;

const char *mm_strerror(mm_status s);

#endif
