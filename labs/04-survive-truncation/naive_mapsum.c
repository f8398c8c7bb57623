/*
 * naive_mapsum - a deliberately FRAGILE version of mapsum. Do not copy its
 * missing piece.
 *
 *   naive_mapsum [--pause-at OFFSET READY GO] [--fault-outside OTHER] FILE
 *
 * Same interface, same output: it maps FILE read-only and prints the FNV-1a
 * 64 checksum of its bytes and their count. On a file nobody touches it is
 * right. But it trusts the size that fstat reported at the start: if another
 * process truncates FILE while it is reading, the pages beyond the new end
 * are removed from its mapping, and the next load from one of them raises
 * SIGBUS. There is no handler, so the default action kills the process on
 * the spot: no message, no partial result, exit status 135 in a shell.
 *
 * Try it (two terminals, or a background job):
 *
 *   head -c 100000 /dev/urandom > data.bin
 *   mkfifo ready go
 *   ./naive_mapsum --pause-at 50000 ready go data.bin &
 *   cat ready                 # prints "paused 50000": it is waiting
 *   truncate -s 4096 data.bin
 *   : > go                    # let it go on
 *   wait; echo $?             # 135: killed by SIGBUS at byte 50000
 *
 * mapsum.c, yours, survives the same thing.
 */
#define _GNU_SOURCE

#include "mapsum_common.h"

int main(int argc, char **argv)
{
    struct mapsum_opts opt;
    parse_options(argc, argv, "naive_mapsum", &opt);

    int fd = open(opt.file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "naive_mapsum: %s: %s\n", opt.file, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        fprintf(stderr, "naive_mapsum: %s: %s\n", opt.file, strerror(errno));
        close(fd);
        return 1;
    }
    size_t size = (size_t)st.st_size;

    const unsigned char *base = NULL;
    if (size > 0) {
        base = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED) {
            fprintf(stderr, "naive_mapsum: %s: %s\n", opt.file, strerror(errno));
            close(fd);
            return 1;
        }
    }

    /* The whole mistake: nothing stands between this loop and a SIGBUS. */
    uint64_t hash = FNV1A64_BASIS;
    for (size_t i = 0; i < size; i++) {
        checkpoint(&opt, i);
        hash = fnv1a64_step(hash, base[i]);
    }
    checkpoint(&opt, size);

    print_sum(hash, size);
    if (size > 0)
        munmap((void *)base, size);
    close(fd);
    return 0;
}
