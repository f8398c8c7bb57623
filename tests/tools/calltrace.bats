#!/usr/bin/env bats
# The call tracer (LD_PRELOAD shim) the lab tests read.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    SO=${MMAPLAB_TOOLS:-$ROOT/build/tools}/calltrace.so
    [[ -f $SO ]] || skip "build the tools first (make)"
    D=$BATS_TEST_TMPDIR
    cd "$D" || return 1
    cat >prog.c <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    int fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ftruncate(fd, 2 * page) != 0) return 1;
    char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 1;
    p[0] = 'x';
    msync(p, page, MS_SYNC);
    madvise(p, 2 * page, MADV_DONTNEED);
    char b[4];
    if (pread(fd, b, 1, 0) != 1) return 1;
    char *q = mremap(p, 2 * page, 4 * page, MREMAP_MAYMOVE);
    if (q == MAP_FAILED) return 1;
    mprotect(q, page, PROT_READ);
    munmap(q, 4 * page);
    if (mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 1) != MAP_FAILED) return 1;
    printf("%ld\n", page);
    return 0;
}
C
    cc -std=c11 -o prog prog.c
}

@test "every mapping call is logged with its arguments, path and result" {
    MMAPLAB_TRACE=$D/log LD_PRELOAD=$SO ./prog
    run cat "$D/log"
    assert_line --regexp "^[0-9]+ open file=data flags=RDWR\|CREAT\|TRUNC mode=0600 ret=[0-9]+ path=$D/data$"
    assert_line --regexp "ftruncate fd=[0-9]+ len=[0-9]+ path=$D/data ret=0$"
    assert_line --regexp "mmap addr=0x0 len=[0-9]+ prot=READ\|WRITE flags=SHARED fd=[0-9]+ off=0 path=$D/data ret=0x[0-9a-f]+$"
    assert_line --regexp "msync addr=0x[0-9a-f]+ len=[0-9]+ flags=SYNC ret=0$"
    assert_line --regexp "madvise addr=0x[0-9a-f]+ len=[0-9]+ advice=DONTNEED ret=0$"
    assert_line --regexp "mprotect addr=0x[0-9a-f]+ len=[0-9]+ prot=READ ret=0$"
    assert_line --regexp "pread fd=[0-9]+ len=1 off=0 path=$D/data ret=1$"
    assert_line --regexp "mremap addr=0x[0-9a-f]+ old_len=[0-9]+ new_len=[0-9]+ flags=MAYMOVE ret=0x[0-9a-f]+$"
    assert_line --regexp "munmap addr=0x[0-9a-f]+ len=[0-9]+ ret=0$"
    assert_line --regexp "mmap .* off=1 path=$D/data ret=0xffffffffffffffff errno=EINVAL$"
}

@test "MMAPLAB_FAKE_PAGESIZE changes what sysconf reports" {
    run env MMAPLAB_TRACE="$D/log" MMAPLAB_FAKE_PAGESIZE=16384 LD_PRELOAD="$SO" ./prog
    assert_success
    assert_output 16384
    run grep 'sysconf name=_SC_PAGESIZE ret=16384' "$D/log"
    assert_success
}

@test "without MMAPLAB_TRACE nothing is written and the program runs normally" {
    run env LD_PRELOAD="$SO" ./prog
    assert_success
    [ ! -e "$D/log" ]
}
