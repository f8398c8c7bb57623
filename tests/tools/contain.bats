#!/usr/bin/env bats
# contain (the grader's namespaces for one lab's test run) and the
# sandbox's user and data limits that go with it.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
    [[ -x $TOOLS/contain && -x $TOOLS/sandbox ]] || skip "build the tools first (make)"
    # The kept folder holds copies of the tools: the caller's /tmp (where a
    # checkout may live) is hidden inside.
    K=$BATS_TEST_TMPDIR/keep
    mkdir -p "$K/work"
    cp "$TOOLS/contain" "$TOOLS/sandbox" "$K/"
    chmod 0711 "$BATS_TEST_TMPDIR" "$K"
}

contain() {
    timeout -s KILL 60 "$K/contain" --keep "$K" --report "$K/report" -- "$@" 3>&-
}

isolated() { grep -qx 'isolation=full' "$K/report"; }

@test "the command runs, its status comes back, and the report says what was achieved" {
    run contain sh -c 'echo inside; exit 7'
    assert_equal "$status" 7
    assert_output inside
    run cat "$K/report"
    assert_output --regexp '^isolation=(full|none)'
    assert_output --partial "user="
    if ! isolated; then assert_output --partial "reason="; fi
}

@test "/tmp, /var/tmp and /dev/shm are private; the kept folder is shared" {
    local mark=mmaplab-contain-$$-$BATS_TEST_NUMBER
    run contain sh -c "touch /tmp/$mark /var/tmp/$mark /dev/shm/$mark $K/$mark && ls /tmp"
    assert_success
    isolated || skip "this machine gave no namespaces: $(cat "$K/report")"
    [[ ! -e /tmp/$mark && ! -e /var/tmp/$mark && ! -e /dev/shm/$mark ]] || {
        rm -f "/tmp/$mark" "/var/tmp/$mark" "/dev/shm/$mark"
        fail "a file written inside reached the machine"
    }
    [[ -e $K/$mark ]] || fail "the kept folder was not shared"
}

@test "no network: even loopback is unreachable inside" {
    # Outside, a closed port on loopback refuses; inside, nothing is up.
    run bash -c 'exec 5<>/dev/tcp/127.0.0.1/1' 2>&1
    assert_output --partial "refused"
    run contain bash -c 'cat /proc/net/dev | tail -n +3 | cut -d: -f1; exec 5<>/dev/tcp/127.0.0.1/1' 2>&1
    isolated || skip "this machine gave no namespaces"
    assert_line --index 0 --regexp '^ *lo$'
    assert_output --partial "Network is unreachable"
    refute_output --partial "eth"
}

@test "processes left behind die with the run, daemons included" {
    run contain sh -c 'setsid sh -c "exec -a mmaplab-contain-left sleep 300" </dev/null >/dev/null 2>&1 & echo started'
    assert_success
    isolated || skip "this machine gave no namespaces"
    sleep 0.3
    run pgrep -f mmaplab-contain-left
    assert_failure
}

@test "as root, student programs run as a user of their own who cannot write the harness" {
    ((EUID == 0)) || skip "needs root"
    echo data >"$K/work/input"
    # shellcheck disable=SC2016 # expanded by the inner shell, inside the namespace
    run contain sh -c 'echo "$MMAPLAB_SANDBOX_UID $MMAPLAB_SANDBOX_BUILD_UID"; exec "$0" --dir "$1/work" \
        --stdout "$1/out" --stderr "$1/err" --report "$1/sb" -- sh -c "id -u; cat input; echo mine >output; echo x >$1/harness"' \
        "$K/sandbox" "$K"
    assert_success
    isolated || skip "this machine gave no namespaces"
    local uid=${output% *} build=${output#* }
    ((uid >= 3000000000 && build == uid + 1)) || fail "unexpected ids: $output"
    run cat "$K/out"
    assert_line --index 0 "$uid"
    assert_line --index 1 data
    [[ -f $K/work/output ]] || fail "the program could not write its own folder"
    [[ ! -e $K/harness ]] || fail "the program wrote outside its folder"
    run cat "$K/err"
    assert_output --partial "Permission denied"
}

@test "the sandbox's data limit stops endless allocation but not a big file mapping" {
    cat >"$K/hog.c" <<'EOF'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
int main(void)
{
    int fd = open("big", O_RDONLY);
    const unsigned char *p = mmap(NULL, 64 << 20, PROT_READ, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) { puts("no mapping"); return 1; }
    unsigned long sum = 0;
    for (long i = 0; i < (64L << 20); i += 4096) sum += p[i];
    printf("mapped %lu\n", sum);
    fflush(stdout);
    for (int i = 0; i < 256; i++) {
        char *q = malloc(1 << 20);
        if (!q) { puts("malloc failed"); return 2; }
        memset(q, 1, 1 << 20);
    }
    puts("allocated");
    return 0;
}
EOF
    cc -O1 -o "$K/hog" "$K/hog.c"
    head -c $((64 << 20)) /dev/zero >"$K/work/big"
    run timeout -s KILL 60 "$K/sandbox" --data $((32 << 20)) --dir "$K/work" --stdout "$K/out" --stderr "$K/err" \
        --report "$K/sb" -- "$K/hog" 3>&-
    run cat "$K/out"
    assert_line "mapped 0"
    assert_line "malloc failed"
    refute_line allocated
}

@test "running as another user without root is refused with a reason" {
    ((EUID != 0)) || skip "only meaningful for a user other than root"
    run "$K/sandbox" --user 12345 --dir "$K/work" -- true
    assert_equal "$status" 125
    assert_output --partial "needs root"
}
