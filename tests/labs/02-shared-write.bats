#!/usr/bin/env bats
# Lab 02: write a file through a shared, writable mapping.
# Points are in the test names: "[N] ..." (0: checked, not graded).

load ../lib/lab

setup_file() { lab_setup_file 02; }
setup() {
    lab_setup
    umask 022
    PAGE=$LAB_PAGE_SIZE
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] random input of many pages from stdin arrives byte for byte, mode 0644" {
    local n=$((PAGE * $(rand_between 3 40) + $(rand_between 1 PAGE-1)))
    rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
    run_lab --stdin "$BATS_TEST_TMPDIR/in" mapwrite out.bin
    assert_not_killed
    assert_exit 0
    assert_file_is "$WORK/out.bin" "$BATS_TEST_TMPDIR/in" "the output file"
    local mode
    mode=$(stat -c %a "$WORK/out.bin")
    [[ $mode == 644 ]] || lab_fail "expected the new file's mode to be 0644 (umask 022); it is 0$mode"
}

@test "[4] edge sizes from an INPUT file: 0, 1, one page, one page + 1" {
    local n
    for n in 0 1 "$PAGE" $((PAGE + 1)); do
        rand_bytes "$n" "$WORK/in.$n"
        run_lab mapwrite "out.$n" "in.$n"
        assert_not_killed
        assert_exit 0
        assert_file_is "$WORK/out.$n" "$WORK/in.$n" "the output for a $n-byte input"
    done
}

@test "[4] an existing longer file is cut to the input's size" {
    local old=$((PAGE * 3 + 17)) n
    n=$(rand_between 1 $((PAGE * 2)))
    head -c "$old" /dev/zero | tr '\0' 'x' >"$WORK/out.bin"
    rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
    run_lab --stdin "$BATS_TEST_TMPDIR/in" mapwrite out.bin
    assert_not_killed
    assert_exit 0
    assert_file_is "$WORK/out.bin" "$BATS_TEST_TMPDIR/in" "the rewritten file (it was $old bytes of 'x')"
}

@test "[5] ftruncate before mmap, MAP_SHARED + PROT_WRITE, msync(MS_SYNC) of it all before munmap, no write()" {
    local n=$((PAGE * $(rand_between 2 9) + $(rand_between 1 PAGE-1)))
    rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
    run_lab --stdin "$BATS_TEST_TMPDIR/in" mapwrite out.bin
    assert_not_killed
    assert_exit 0
    local out
    out=$(trace_path "$WORK/out.bin")
    LESSON_REF=05-writing.md

    local trunc map
    trunc=$(trace_select ftruncate "path=$out" "len=$n" ret=0 | head -1)
    [[ -n $trunc ]] || lab_fail "expected ftruncate(fd, $n) on out.bin to size the file first; the tracer saw:" \
        "$(trace_about "$out")"
    map=$(trace_mmaps_of "$WORK/out.bin" | head -1)
    [[ -n $map ]] || lab_fail "expected an mmap of out.bin; the tracer saw:" "$(trace_about "$out")"
    [[ $(trace_field "$map" prot) == *WRITE* ]] || lab_fail "the mapping of out.bin must be writable (PROT_WRITE)" "$map"
    [[ $(trace_field "$map" flags) == SHARED* ]] ||
        lab_fail "the mapping of out.bin must be MAP_SHARED: a MAP_PRIVATE write never reaches the file" "$map"
    (($(trace_order "$trunc") < $(trace_order "$map"))) ||
        lab_fail "ftruncate must come before mmap: the file must be long enough before the mapping is used" \
            "$trunc" "$map"

    local addr sync un
    trace_get addr "$map" ret
    sync=$(trace_select msync "addr=$addr" flags=SYNC ret=0 | head -1)
    [[ -n $sync ]] || lab_fail "expected msync(addr, len, MS_SYNC) on the mapping at $addr; the tracer saw:" \
        "$(trace_select msync)"
    (($(trace_field "$sync" len) >= n)) ||
        lab_fail "msync must cover all $n bytes; it covered $(trace_field "$sync" len)" "$sync"
    assert_munmapped "$map"
    un=$(trace_select munmap "addr=$addr" ret=0 | head -1)
    (($(trace_order "$sync") < $(trace_order "$un"))) ||
        lab_fail "msync must come before munmap: munmap does not wait for the data to reach the disk" "$sync" "$un"
    assert_no_write_to "$WORK/out.bin"
}

@test "[3] the same input kills the naive writer (no ftruncate) with SIGBUS; yours writes the file" {
    local n=$((PAGE * $(rand_between 1 5) + $(rand_between 1 PAGE-1)))
    rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
    # shellcheck disable=SC2034 # read by lab_fail
    LESSON_REF=07-sigbus.md
    run_lab --fault-info --stdin "$BATS_TEST_TMPDIR/in" naive_write naive.bin
    assert_killed_by SIGBUS BUS_ADRERR
    ((SB_PAST_EOF >= 0)) ||
        lab_fail "the naive writer's fault should lie past the end of the file; $(fault_words)"
    run_lab --stdin "$BATS_TEST_TMPDIR/in" mapwrite out.bin
    assert_not_killed
    assert_exit 0
    assert_file_is "$WORK/out.bin" "$BATS_TEST_TMPDIR/in" "the output file"
}

@test "[0] usage errors: no arguments, or too many" {
    run_lab mapwrite
    assert_exit 2
    run_lab mapwrite a b c
    assert_exit 2
}
