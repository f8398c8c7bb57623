/* A minimal TAP emitter for the C unit tests: each CHECK prints one
 * "ok N - name" or "not ok N - name" line; main returns unit_done(). */
#ifndef MMAPLAB_UNIT_H
#define MMAPLAB_UNIT_H

#include <stdio.h>

static int unit_n, unit_failed;

#define CHECK(cond, name)                                                     \
    do {                                                                      \
        unit_n++;                                                             \
        if (cond) printf("ok %d - %s\n", unit_n, name);                       \
        else {                                                                \
            unit_failed++;                                                    \
            printf("not ok %d - %s\n# %s:%d: %s\n", unit_n, name, __FILE__,   \
                   __LINE__, #cond);                                          \
        }                                                                     \
    } while (0)

static inline int unit_done(void)
{
    printf("1..%d\n", unit_n);
    return unit_failed != 0;
}

#endif
