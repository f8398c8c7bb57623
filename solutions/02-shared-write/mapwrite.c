/*
 * mapwrite - copy INPUT (or standard input) into OUTPUT through a shared,
 * writable mapping of OUTPUT.
 *
 * Reference solution for lab 02-shared-write (lesson 05-writing).
 *
 *   mapwrite OUTPUT [INPUT]
 *
 * The lesson in one line: a mapping is a window onto bytes that already
 * exist in the file. Writing through it cannot make the file longer, so the
 * file must be given its final size (ftruncate) BEFORE it is mapped; a store
 * to a page that lies wholly past end-of-file is SIGBUS (see naive_write.c).
 */
#define _DEFAULT_SOURCE /* POSIX + BSD declarations under -std=c11 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Every failure is reported the same way: "mapwrite: <what>: <strerror>".
 * errno is captured by the caller before anything else can change it. */
static void report(const char *what, const char *name, int err)
{
    if (name != NULL)
        fprintf(stderr, "mapwrite: %s %s: %s\n", what, name, strerror(err));
    else
        fprintf(stderr, "mapwrite: %s: %s\n", what, strerror(err));
}

/* Read everything from fd into a malloc'd buffer; store the byte count in
 * *len. Returns NULL with errno set on failure.
 *
 * Standard input may be a pipe, whose size nobody knows in advance and which
 * cannot be mapped, so the only way to get its bytes is read(). The buffer
 * doubles when full, so copying stays linear in the input size. */
static unsigned char *read_all(int fd, size_t *len)
{
    size_t cap = (size_t)64 * 1024;
    size_t n = 0;
    unsigned char *buf = malloc(cap);

    if (buf == NULL)
        return NULL;

    for (;;) {
        if (n == cap) {
            if (cap > SIZE_MAX / 2) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            unsigned char *bigger = realloc(buf, cap * 2);
            if (bigger == NULL) {
                free(buf); /* realloc failure leaves the old block to us */
                errno = ENOMEM;
                return NULL;
            }
            buf = bigger;
            cap *= 2;
        }

        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0) {
            if (errno == EINTR)
                continue; /* a signal interrupted us; nothing was lost */
            int err = errno;
            free(buf);
            errno = err;
            return NULL;
        }
        if (got == 0)
            break; /* end of input */
        n += (size_t)got;
    }

    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: mapwrite OUTPUT [INPUT]\n");
        return 2;
    }

    const char *out_name = argv[1];
    const char *in_name = argc == 3 ? argv[2] : NULL;
    const char *in_label = in_name != NULL ? in_name : "standard input";
    int status = 1;
    int in_fd = STDIN_FILENO;
    int fd = -1;
    unsigned char *data = NULL;
    unsigned char *base = MAP_FAILED;
    size_t n = 0;

    /* 1. Get the whole input first. Besides being simple, it means a missing
     *    INPUT never damages an existing OUTPUT, and OUTPUT may even be the
     *    same file as INPUT. */
    if (in_name != NULL) {
        in_fd = open(in_name, O_RDONLY);
        if (in_fd < 0) {
            report("open", in_name, errno);
            return 1;
        }
    }
    data = read_all(in_fd, &n);
    if (data == NULL) {
        report("read", in_label, errno);
        if (in_name != NULL)
            close(in_fd);
        return 1;
    }
    if (in_name != NULL && close(in_fd) != 0) {
        report("close", in_name, errno);
        goto out;
    }

    /* ftruncate() takes an off_t. Where off_t is narrower than size_t (a
     * 32-bit build without large-file support) the size could not be
     * represented; refuse rather than wrap around. */
    off_t size = (off_t)n;
    if (size < 0 || (size_t)size != n) {
        report("ftruncate", out_name, EFBIG);
        goto out;
    }

    /* 2. O_RDWR, not O_WRONLY: a MAP_SHARED mapping with PROT_WRITE needs a
     *    descriptor that can both read and write the file (O_WRONLY gives
     *    EACCES from mmap). No O_TRUNC: ftruncate below sets the size
     *    exactly, cutting an older, longer file and growing a new one. */
    fd = open(out_name, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        report("open", out_name, errno);
        goto out;
    }

    /* 3. Give the file its final size BEFORE mapping it. The mapping itself
     *    may extend past end-of-file (mmap does not check), but touching a
     *    page that lies wholly beyond EOF raises SIGBUS. Growing a file with
     *    ftruncate makes it sparse: the blocks are allocated later, on the
     *    first write fault, and that fault is SIGBUS if the disk is full.
     *    A program that must not die that way reserves the blocks first with
     *    posix_fallocate(); this lab keeps to ftruncate. */
    if (ftruncate(fd, size) != 0) {
        report("ftruncate", out_name, errno);
        goto out;
    }

    /* An empty input leaves an empty file. mmap would refuse a length of 0
     * (EINVAL), and there is nothing to copy. */
    if (n > 0) {
        /* 4. MAP_SHARED is what makes our stores reach the file: the mapping
         *    and the file share the same page cache pages. (MAP_PRIVATE would
         *    give us copy-on-write pages that nobody else ever sees.) */
        base = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (base == MAP_FAILED) {
            report("mmap", out_name, errno);
            goto out;
        }

        /* 5. The copy is an ordinary memory copy. Each first store to a page
         *    is a write fault; the kernel marks the page dirty. No write()
         *    system call is involved. */
        memcpy(base, data, n);

        /* 6. Dirty pages would reach the disk eventually anyway (normal
         *    writeback, about 30 s later), and other processes already see
         *    them through the page cache. msync(MS_SYNC) makes us wait until
         *    they are written, like fdatasync() for this range, and it is
         *    where a write-back error (EIO, ENOSPC) is reported. base is
         *    page-aligned because mmap chose it, as msync requires. */
        if (msync(base, n, MS_SYNC) != 0) {
            report("msync", out_name, errno);
            goto out;
        }
    }

    status = 0;

out:
    /* munmap does not flush anything (that was msync's job) and close does
     * not unmap: the mapping holds its own reference to the file, so the
     * order of these two does not matter for correctness. */
    if (base != MAP_FAILED && munmap(base, n) != 0) {
        report("munmap", out_name, errno);
        status = 1;
    }
    if (fd >= 0 && close(fd) != 0) {
        report("close", out_name, errno);
        status = 1;
    }
    free(data);
    return status;
}
