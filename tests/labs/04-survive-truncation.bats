#!/usr/bin/env bats
# Lab 04: a mapped-file reader that survives the file being truncated.
# Points are in the test names: "[N] ..." (0: checked, not graded).
#
# Timing is controlled without sleeps: the program is started with
# --pause-at OFFSET ready go, a background helper (test code, not the
# student's) waits on the FIFO "ready", truncates the file, then opens and
# closes the FIFO "go" to let the program carry on.

load ../lib/lab

setup_file() {
    lab_setup_file 04
    # The reference checksum, written independently of the lab's code.
    cat >"$BATS_FILE_TMPDIR/fnv64.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
/* fnv64 FILE [N]: FNV-1a 64 of the first N bytes (all by default),
 * printed as "HASH COUNT", the format mapsum prints. */
int main(int argc, char **argv)
{
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    long long n = argc > 2 ? atoll(argv[2]) : -1, i = 0;
    uint64_t h = 14695981039346656037ULL;
    int c;
    while ((n < 0 || i < n) && (c = getc(f)) != EOF) {
        h ^= (unsigned char)c;
        h *= 1099511628211ULL;
        i++;
    }
    printf("%016llx %lld\n", (unsigned long long)h, i);
    return 0;
}
EOF
    cc -O1 -o "$BATS_FILE_TMPDIR/fnv64" "$BATS_FILE_TMPDIR/fnv64.c"
}

setup() {
    lab_setup
    PAGE=$LAB_PAGE_SIZE
    HELPER=""
}

teardown() { stop_truncator; }

# A random file of several pages and a bit.
make_file() {
    SIZE=$((PAGE * $(rand_between 4 24) + $(rand_between 1 PAGE-1)))
    rand_bytes "$SIZE" "$WORK/data.bin"
}

# want_sum FILE [N]: the expected stdout line in $BATS_TEST_TMPDIR/want.
want_sum() {
    "$BATS_FILE_TMPDIR/fnv64" "$@" >"$BATS_TEST_TMPDIR/want"
}

# start_truncator T|keep: in the background, wait until the program says it
# paused (FIFO ready), cut data.bin to T bytes (or leave it), then open and
# close FIFO go so that it carries on. Runs no student code.
start_truncator() {
    local t=$1
    rm -f "$WORK/ready" "$WORK/go" "$BATS_TEST_TMPDIR/paused"
    mkfifo "$WORK/ready" "$WORK/go"
    (
        IFS= read -r line <"$WORK/ready"
        printf '%s\n' "$line" >"$BATS_TEST_TMPDIR/paused"
        [[ $t == keep ]] || truncate -s "$t" "$WORK/data.bin"
        : >"$WORK/go"
    ) 3>&- </dev/null >/dev/null 2>&1 &
    HELPER=$!
}

# The helper is stuck on a FIFO if the program never paused: end it.
stop_truncator() {
    if [[ -n $HELPER ]]; then
        kill "$HELPER" 2>/dev/null || true
        wait "$HELPER" 2>/dev/null || true
        HELPER=""
    fi
}

# run_paused PROGRAM P T [RUN_LAB OPTIONS...]: run PROGRAM on data.bin,
# pausing after P bytes while the helper truncates the file to T bytes.
run_paused() {
    local prog=$1 p=$2 t=$3
    shift 3
    start_truncator "$t"
    run_lab --timeout 20 "$@" "$prog" --pause-at "$p" ready go data.bin
    stop_truncator
    [[ -s $BATS_TEST_TMPDIR/paused ]] ||
        lab_fail "the program never reached the pause at byte $p (it must call checkpoint(o, i) before reading byte i)" \
            "$(ending_words)"
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] an unchanged file, and one paused without truncation, give the reference checksum" {
    local n
    for n in 1 "$PAGE" $((PAGE * $(rand_between 2 9) + $(rand_between 1 PAGE-1))); do
        rand_bytes "$n" "$WORK/data.bin"
        want_sum "$WORK/data.bin"
        run_lab mapsum data.bin
        assert_not_killed
        assert_exit 0
        assert_stdout_is "$BATS_TEST_TMPDIR/want" "the FNV-1a 64 checksum of all $n bytes (HASH COUNT)"
    done
    : >"$WORK/data.bin"
    want_sum "$WORK/data.bin"
    run_lab mapsum data.bin
    assert_exit 0
    assert_stdout_is "$BATS_TEST_TMPDIR/want" "the checksum of an empty file (the FNV basis, count 0)"

    make_file
    want_sum "$WORK/data.bin"
    run_paused mapsum "$(rand_between 1 SIZE-1)" keep
    assert_not_killed
    assert_exit 0
    assert_stdout_is "$BATS_TEST_TMPDIR/want" "the checksum of the whole $SIZE-byte file (paused, not truncated)"
}

@test "[2] the file is read through one PROT_READ mapping, never read(), and unmapped" {
    make_file
    want_sum "$WORK/data.bin"
    run_lab mapsum data.bin
    assert_exit 0
    assert_stdout_is "$BATS_TEST_TMPDIR/want" "the checksum of the file"
    local maps
    maps=$(trace_mmaps_of "$WORK/data.bin")
    [[ $(grep -c . <<<"$maps") == 1 ]] ||
        lab_fail "expected exactly one mmap of data.bin; the tracer saw:" "${maps:-(none)}"
    [[ $(trace_field "$maps" prot) == READ ]] ||
        lab_fail "the mapping must be PROT_READ only: the reader never writes" "$maps"
    (($(trace_field "$maps" len) >= SIZE)) ||
        lab_fail "the mapping must cover the whole $SIZE-byte file" "$maps"
    assert_munmapped "$maps"
    assert_no_read_of "$WORK/data.bin"
}

@test "[6] truncated during the read: exit 3, 'file shrank while reading', checksum of the bytes read" {
    local round p t
    for round in 1 2 3; do
        make_file
        p=$(rand_between $((PAGE + 1)) SIZE-1)
        case $round in
        1) t=0 ;;                                   # the file emptied
        2) t=$((p - p % PAGE)) ;;                   # cut at the page holding p
        3) t=$(rand_between 1 $((p - p % PAGE))) ;; # cut anywhere before it
        esac
        want_sum "$WORK/data.bin" "$p"
        run_paused mapsum "$p" "$t"
        assert_not_killed
        assert_exit 3
        assert_stderr_has "file shrank while reading"
        assert_stdout_is "$BATS_TEST_TMPDIR/want" \
            "the checksum of the $p bytes read before the fault (file cut from $SIZE to $t bytes at byte $p)"
    done
}

@test "[3] the naive reader dies of SIGBUS at the first byte past the new end; yours exits 3" {
    make_file
    local p t
    p=$(rand_between $((PAGE + 1)) SIZE-1)
    t=$(rand_between 0 $((p - p % PAGE)))
    cp "$WORK/data.bin" "$BATS_TEST_TMPDIR/orig"
    run_paused naive_mapsum "$p" "$t" --fault-info
    assert_killed_by SIGBUS BUS_ADRERR
    [[ $SB_MAP_PATH == "$(real_path "$WORK/data.bin")" && $SB_ADDR_IN_MAP == "$p" ]] ||
        lab_fail "expected the naive reader's fault at byte $p of the mapping of data.bin; got $(fault_words)"
    ((SB_PAST_EOF >= 0)) || lab_fail "the fault should lie past the end of the file; $(fault_words)"

    cp "$BATS_TEST_TMPDIR/orig" "$WORK/data.bin"
    want_sum "$WORK/data.bin" "$p"
    run_paused mapsum "$p" "$t"
    assert_not_killed
    assert_exit 3
    assert_stdout_is "$BATS_TEST_TMPDIR/want" "the checksum of the first $p bytes"
}

@test "[5] a SIGBUS outside its own mapping still kills it (a truncation inside is survived)" {
    make_file
    local p
    p=$(rand_between $((PAGE + 1)) SIZE-1)
    cp "$WORK/data.bin" "$BATS_TEST_TMPDIR/orig"
    want_sum "$WORK/data.bin" "$p"
    run_paused mapsum "$p" $((p - p % PAGE))
    assert_not_killed
    assert_exit 3
    assert_stdout_is "$BATS_TEST_TMPDIR/want" "the checksum of the first $p bytes"

    # Now the fault is in another file's mapping, at the same point of the
    # scan: the handler must let it kill the program.
    cp "$BATS_TEST_TMPDIR/orig" "$WORK/data.bin"
    rand_bytes "$(rand_between 0 100)" "$WORK/other.bin"
    start_truncator keep
    run_lab --fault-info --timeout 20 mapsum --pause-at "$p" ready go --fault-outside other.bin data.bin
    stop_truncator
    assert_killed_by SIGBUS BUS_ADRERR
    [[ $SB_MAP_PATH == "$(real_path "$WORK/other.bin")" ]] ||
        lab_fail "expected the fault in the mapping of other.bin; got $(fault_words)"
    if grep -q "shrank" "$LAB_STDERR"; then
        lab_fail "a SIGBUS outside the mapping of data.bin is not a truncation of data.bin:" \
            "check that si_addr lies in your mapping before you siglongjmp"
    fi
}

@test "[0] usage errors exit 2, a missing file exits 1" {
    run_lab mapsum
    assert_exit 2
    run_lab mapsum --pause-at x ready go data.bin
    assert_exit 2
    run_lab mapsum no-such-file
    assert_exit 1
    assert_stderr_has "No such file or directory"
}
