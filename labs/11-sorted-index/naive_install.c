/*
 * naive_install - install a new index the WRONG way: rewrite it in place.
 * Provided for lab 11-sorted-index. Do not copy it.
 *
 *   naive_install INDEX < NEW_INDEX
 *
 * It does what `cat new.idx > INDEX` does, and what many programs do when
 * they "save" a file: open INDEX with O_TRUNC, then write the new bytes into
 * it as they arrive on standard input. The result on disk is right at the
 * end. The trouble is everybody who has INDEX mapped in the meantime:
 *
 *  - O_TRUNC cuts the file to 0 bytes at once. Every page of a reader's
 *    mapping now lies beyond end-of-file, and the reader's next access to
 *    any of them (even a page it read a moment ago: truncation removes the
 *    pages from every mapping) raises SIGBUS. MAP_PRIVATE does not help.
 *  - While the copy is under way the file is partly new and partly missing:
 *    a reader that opens it then sees a short file, or new records under a
 *    header it checked earlier.
 *  - If the new file is shorter or longer than the old, a reader's idea of
 *    the size is simply wrong.
 *
 * To make the window easy to hit by hand, it says when INDEX has been
 * emptied, and then copies standard input as it comes. Try it in two
 * terminals:
 *
 *   terminal 1:  ./sidx build idx < a.txt && ./sidx lookup idx
 *                (type a key or two: answers come back)
 *   terminal 2:  ./naive_install idx
 *                naive_install: idx truncated to 0 bytes; copying the new index...
 *                (leave it waiting for its standard input)
 *   terminal 1:  (type another key)
 *                Bus error              <- printed by the shell; status 135
 *   terminal 2:  (press Ctrl-D: idx stays empty, or run it with < new.idx)
 *
 * sidx build avoids all of this: it writes a new file under another name
 * and rename()s it over INDEX, so a reader keeps the old, complete inode.
 */
#define _DEFAULT_SOURCE /* POSIX + BSD declarations under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t done = write(fd, p, n);
        if (done < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += done;
        n -= (size_t)done;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: naive_install INDEX < NEW_INDEX\n");
        return 2;
    }
    const char *name = argv[1];

    /* BUG: the live file is cut to 0 bytes right here, with readers on it. */
    int fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        fprintf(stderr, "naive_install: open %s: %s\n", name, strerror(errno));
        return 1;
    }
    printf("naive_install: %s truncated to 0 bytes; copying the new index...\n", name);
    fflush(stdout);

    char buf[65536];
    unsigned long long total = 0;
    for (;;) {
        ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "naive_install: read standard input: %s\n", strerror(errno));
            close(fd);
            return 1;
        }
        if (got == 0)
            break;
        /* BUG: each write lands in the file other processes have mapped. */
        if (write_all(fd, buf, (size_t)got) != 0) {
            fprintf(stderr, "naive_install: write %s: %s\n", name, strerror(errno));
            close(fd);
            return 1;
        }
        total += (unsigned long long)got;
    }
    if (close(fd) != 0) {
        fprintf(stderr, "naive_install: close %s: %s\n", name, strerror(errno));
        return 1;
    }
    printf("naive_install: wrote %llu bytes over %s in place\n", total, name);
    return 0;
}
