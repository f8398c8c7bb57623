#!/usr/bin/env bats
# The sandbox that runs student programs: limits, cleanup and fault reports.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    SB=${MMAPLAB_TOOLS:-$ROOT/build/tools}/sandbox
    [[ -x $SB ]] || skip "build the tools first (make)"
    D=$BATS_TEST_TMPDIR
    mkdir -p "$D/work"
}

report() { grep "^$1=" "$D/report" | cut -d= -f2-; }

sandbox() {
    timeout -s KILL 60 "$SB" --dir "$D/work" --stdout "$D/out" --stderr "$D/err" \
        --report "$D/report" "$@" 3>&-
}

@test "a normal exit is reported with its status and output" {
    sandbox -- sh -c 'echo hello; echo oops >&2; exit 3'
    [ "$(report how)" = exited ]
    [ "$(report exit)" = 3 ]
    [ "$(cat "$D/out")" = hello ]
    [ "$(cat "$D/err")" = oops ]
}

@test "the wall-clock timeout kills the whole group, including setsid daemons" {
    local marker="mmaplab-sandbox-test-$$-$RANDOM"
    sandbox --timeout 0.5 -- sh -c "sleep 300 & setsid sh -c 'exec -a $marker sleep 300' & while :; do :; done"
    [ "$(report how)" = timeout ]
    sleep 0.2
    run pgrep -f "$marker"
    assert_failure
}

@test "a daemon that outlives a finished program is killed" {
    local marker="mmaplab-daemon-$$-$RANDOM"
    sandbox --timeout 5 -- sh -c "setsid sh -c 'exec -a $marker sleep 300' </dev/null >/dev/null 2>&1 & exit 0"
    [ "$(report how)" = exited ]
    sleep 0.2
    run pgrep -f "$marker"
    assert_failure
}

@test "a flood of output is cut at the limit and the program killed" {
    sandbox --output-limit 100000 -- sh -c 'yes flood'
    [ "$(report how)" = output-limit ]
    [ "$(report limited_stream)" = stdout ]
    [ "$(stat -c %s "$D/out")" -le 100000 ]
}

@test "fd 3 (the TAP channel) is closed in the program" {
    sandbox -- sh -c 'echo "ok 1 forged" >&3'
    [ "$(report how)" = exited ]
    [ "$(report exit)" != 0 ]
}

@test "the file-size limit stops a runaway writer" {
    sandbox --fsize 65536 -- sh -c 'head -c 1000000 /dev/zero > big'
    [ "$(stat -c %s "$D/work/big")" -le 65536 ]
}

@test "the CPU limit stops a busy loop even without a wall-clock timeout" {
    sandbox --timeout 30 --cpu 1 -- sh -c 'while :; do :; done'
    [ "$(report how)" = signaled ]
    [ "$(report signal)" = SIGXCPU ] || [ "$(report signal)" = SIGKILL ]
}

@test "a SIGBUS past the end of a file is described relative to the mapping and EOF" {
    cat >"$D/bus.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ftruncate(fd, 10) != 0) return 1;
    char *p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return 1;
    p[page + 5] = 1; /* the second page lies wholly beyond EOF */
    return 0;
}
C
    cc -std=c11 -o "$D/bus" "$D/bus.c"
    sandbox --fault-info -- "$D/bus"
    local page
    page=$(getconf PAGESIZE)
    [ "$(report signal)" = SIGBUS ]
    [ "$(report fault_code)" = BUS_ADRERR ]
    [ "$(report addr_in_map)" = $((page + 5)) ]
    [ "$(report file_size)" = 10 ]
    [ "$(report past_eof)" = $((page + 5 - 10)) ]
    [[ "$(report map_path)" == */work/f ]]
}

@test "a SIGSEGV on a read-only page is reported as SEGV_ACCERR" {
    cat >"$D/segv.c" <<'C'
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>
int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 1;
    p[7] = 1;
    return 0;
}
C
    cc -std=c11 -o "$D/segv" "$D/segv.c"
    sandbox --fault-info -- "$D/segv"
    [ "$(report signal)" = SIGSEGV ]
    [ "$(report fault_code)" = SEGV_ACCERR ]
    [ "$(report addr_in_map)" = 7 ]
}

@test "bad options get a usage message" {
    run "$SB" --timeout nope -- true
    [ "$status" -eq 125 ]
    assert_output --partial usage
}
