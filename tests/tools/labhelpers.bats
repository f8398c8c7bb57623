#!/usr/bin/env bats
# The shell helpers every lab test uses (tests/lib/randomdata.bash and
# trace.bash). Several do in the test's own shell what a process used to do
# (a fork costs milliseconds on a virtual machine): each is checked here
# against the process-based way it replaced.

bats_require_minimum_version 1.5.0
load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    # shellcheck source=tests/lib/randomdata.bash
    source "$BATS_TEST_DIRNAME/../lib/randomdata.bash"
    # shellcheck source=tests/lib/trace.bash
    source "$BATS_TEST_DIRNAME/../lib/trace.bash"
    export MMAPLAB_SEED=4242
}

@test "rand_set draws the numbers rand_between prints, from the same sequence" {
    local k a b
    local -a printed=() set=()
    for k in 1 2 3 4 5 6 7 8; do printed+=("$(rand_between 1 $((k * 1000)))"); done
    rm -f "$BATS_TEST_TMPDIR/.mmaplab-rng"
    for k in 1 2 3 4 5 6 7 8; do
        rand_set a 1 $((k * 1000))
        set+=("$a")
    done
    assert_equal "${set[*]}" "${printed[*]}"
    # Bounds are kept, and a caller's variable named like a helper's own is set.
    for _ in $(seq 200); do
        rand_set b 5 7
        ((b >= 5 && b <= 7)) || fail "rand_set 5 7 gave $b"
    done
    local lo hi r
    rand_set lo 3 3
    rand_set hi 9 9
    rand_set r 1 1
    assert_equal "$lo $hi $r" "3 9 1"
}

@test "the same seed and test give the same draws; another seed others" {
    local a b
    a=$(rand_next; rand_next; rand_next)
    rm -f "$BATS_TEST_TMPDIR/.mmaplab-rng"
    b=$(rand_next; rand_next; rand_next)
    assert_equal "$a" "$b"
    rm -f "$BATS_TEST_TMPDIR/.mmaplab-rng"
    b=$(MMAPLAB_SEED=4243; rand_next; rand_next; rand_next)
    [[ $a != "$b" ]] || fail "seeds 4242 and 4243 drew the same numbers: $a"
}

@test "real_path resolves like realpath -m: linked folders, linked files, missing parts" {
    local d="$BATS_TEST_TMPDIR/p"
    mkdir -p "$d/real/sub"
    ln -s real "$d/link"
    touch "$d/real/file"
    ln -s file "$d/real/alias"
    ln -s ../real "$d/real/sub/up"
    cd "$d"
    local p
    for p in "$d/link/file" "$d/real/alias" "$d/link/alias" "$d/real/sub/up/file" \
        "$d/missing/file" "$d/link/missing" "$d/link/" "$d/link/.." "$d/link/sub/../file" \
        link/file real/sub/up/alias ./link/file / "$d//link//file"; do
        assert_equal "$(real_path "$p")" "$(realpath -m -- "$p")"
    done
    assert_equal "$PWD" "$d"
}

@test "trace_get and trace_field read a field; a missing key is false" {
    local line='123 mmap addr=0 len=8192 prot=READ flags=PRIVATE fd=3 off=4096 path=/a\x20b ret=0x7f00'
    local v
    trace_get v "$line" len
    assert_equal "$v" 8192
    assert_equal "$(trace_field "$line" path)" '/a\x20b'
    assert_equal "$(trace_field "$line" ret)" 0x7f00
    run ! trace_get v "$line" nosuchkey
    run ! trace_field "$line" nosuchkey
}

@test "trace_order and assert_munmapped find lines with backslashes exactly" {
    TRACE="$BATS_TEST_TMPDIR/trace.log"
    cat >"$TRACE" <<'EOF'
7 open path=/w/a\x20b ret=3
7 mmap addr=0 len=8192 prot=READ flags=PRIVATE fd=3 off=0 path=/w/a\x20b ret=0x7000
7 munmap addr=0x7000 len=4096 ret=0
7 mmap addr=0 len=8192 prot=READ flags=PRIVATE fd=3 off=0 path=/w/a\x20b ret=0x9000
7 munmap addr=0x9000 len=8192 ret=0
EOF
    local first second
    first=$(sed -n 2p "$TRACE")
    second=$(sed -n 4p "$TRACE")
    assert_equal "$(trace_order "$second")" 4
    assert_equal "$(trace_order "$first")" 2
    # shellcheck disable=SC2317 # called by the helper under test
    lab_fail() { printf '%s\n' "$@"; return 1; }
    run assert_munmapped "$second"
    assert_success
    run assert_munmapped "$first"
    assert_failure
    assert_output --partial "covers 4096 bytes but the mapping is 8192 bytes"
    # A munmap before the mmap does not count.
    sed -i 5d "$TRACE"
    run assert_munmapped "$second"
    assert_failure
    assert_output --partial "the tracer saw none"
}

@test "lab_setup takes bats' DEBUG trap out of helpers; a failure still names the test's line" {
    # shellcheck source=tests/lib/outside_bats.bash
    source "$BATS_TEST_DIRNAME/../lib/outside_bats.bash"
    # A test file that loads lab.bash as tests/labs/*.bats do. Line 10 calls
    # the helper that fails. ($t: a line starting with @test would be taken
    # for a test of this file.)
    local f="$BATS_TEST_TMPDIR/untrace.bats" seen="$BATS_TEST_TMPDIR/trap.txt" out t=@test
    cat >"$f" <<FIXTURE
load $BATS_TEST_DIRNAME/../lib/lab
setup() { lab_setup; }
inner_trap() { trap -p DEBUG; }
inner_fails() { lab_fail "inner failed"; }
$t "trap seen by a helper" {
    inner_trap >"\$SEEN"
}
$t "a failing helper" {
    inner_trap
    inner_fails
}
FIXTURE
    out=$(outside_bats MMAPLAB_ROOT="$MMAPLAB_ROOT" SEEN="$seen" bats --tap "$f" 2>&1) || true
    assert_regex "$out" "ok 1 trap seen by a helper"
    assert_equal "$(<"$seen")" ""
    assert_regex "$out" "not ok 2 a failing helper"
    assert_regex "$out" "in test file [^,]*untrace.bats, line 10\)"
    assert_regex "$out" "inner failed"
}

@test "a file in a folder named with a space, '=', '%20', a backslash and a newline is found in the log" {
    local so=${MMAPLAB_TOOLS:-$BATS_TEST_DIRNAME/../../build/tools}/calltrace.so
    [[ -f $so ]] || skip "build the tools first (make)"
    # The run folder is under TMPDIR, which may be named like this.
    local dir="$BATS_TEST_TMPDIR/a b=c\\d%20"$'\n'"e" prog="$BATS_TEST_TMPDIR/mapread"
    mkdir -p "$dir"
    printf 'some bytes\n' >"$dir/data"
    cc -std=c11 -x c -o "$prog" - <<'C'
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv)
{
    int fd = open(argv[1], O_RDONLY);
    char b[4];
    if (fd < 0 || read(fd, b, sizeof b) != sizeof b) return 1;
    void *p = mmap(NULL, 4, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) return 1;
    munmap(p, 4);
    return 0;
}
C
    TRACE="$BATS_TEST_TMPDIR/trace.log"
    : >"$TRACE"
    MMAPLAB_TRACE=$TRACE LD_PRELOAD=$so "$prog" "$dir/data"
    # Every field of the log is one word: the path is escaped.
    local logged
    logged=$(trace_path "$dir/data")
    [[ $logged != *[$' =\n']* ]] || fail "trace_path left a space, '=' or newline in: $logged"
    assert_regex "$(grep -F " path=$logged " "$TRACE" | head -1)" "^[0-9]+ read fd="
    local unescaped
    trace_unescape unescaped "$logged"
    assert_equal "$unescaped" "$(real_path "$dir/data")"
    # The queries find the calls.
    local maps
    maps=$(trace_mmaps_of "$dir/data")
    assert_equal "$(grep -c . <<<"$maps")" 1
    assert_equal "$(trace_select mmap "path=$logged" prot=READ | grep -c .)" 1
    assert_regex "$(trace_about "$logged")" " read "
    # shellcheck disable=SC2317 # called by the helper under test
    lab_fail() { printf '%s\n' "$@"; return 1; }
    run assert_no_read_of "$dir/data"
    assert_failure
    assert_output --partial "read only through its mapping"
    run assert_munmapped "$maps"
    assert_success
}
