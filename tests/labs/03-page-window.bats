#!/usr/bin/env bats
# Lab 03: print a byte range by mapping only the pages that hold it.
# Points are in the test names: "[N] ..." (0: checked, not graded).

load ../lib/lab

setup_file() { lab_setup_file 03; }
setup() {
    lab_setup
    PAGE=$LAB_PAGE_SIZE
}

# A random file of a few pages and a bit.
make_file() {
    SIZE=$((PAGE * $(rand_between 4 12) + $(rand_between 1 PAGE-1)))
    rand_bytes "$SIZE" "$WORK/data.bin"
}

# expect_range OFF LEN: the reference bytes, cut by coreutils.
expect_range() {
    tail -c +$(($1 + 1)) "$WORK/data.bin" | head -c "$2" >"$BATS_TEST_TMPDIR/want"
}

check_range() {
    local off=$1 len=$2 page=${3:-}
    expect_range "$off" "$len"
    run_lab ${page:+--page "$page"} window data.bin "$off" "$len"
    assert_not_killed
    assert_exit 0
    assert_stdout_is "$BATS_TEST_TMPDIR/want" "bytes [$off, $((off + len))) of the file"
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[5] offsets 0, 1, page-1, page, page+1 and a random one match tail/head" {
    make_file
    local off len
    for off in 0 1 $((PAGE - 1)) "$PAGE" $((PAGE + 1)) "$(rand_between 2 SIZE-2)"; do
        len=$(rand_between 1 $((SIZE - off < 3 * PAGE ? SIZE - off : 3 * PAGE)))
        check_range "$off" "$len"
    done
}

@test "[3] the last byte, a range ending exactly at EOF, and the whole file" {
    make_file
    check_range $((SIZE - 1)) 1
    local off
    rand_set off 1 SIZE-1
    check_range "$off" $((SIZE - off))
    check_range 0 "$SIZE"
}

@test "[3] a range past the end of the file is a clear error, with nothing printed" {
    make_file
    local off=$((SIZE - $(rand_between 1 100)))
    run_lab window data.bin "$off" 200
    assert_not_killed
    assert_exit 1
    assert_stderr_has "past end of file" "the message must say why the range is refused"
    [[ ! -s $LAB_STDOUT ]] || lab_fail "nothing should be printed on stdout for a refused range"
}

@test "[4] every mmap offset is page-aligned and maps at most len + 2 pages" {
    make_file
    local off len runs=0 line moff mlen
    for off in 1 $((PAGE + 7)) $((2 * PAGE - 1)) "$(rand_between 1 SIZE-2)"; do
        len=$(rand_between 1 $((SIZE - off < 2 * PAGE ? SIZE - off : 2 * PAGE)))
        : >"$TRACE"
        check_range "$off" "$len"
        line=$(trace_mmaps_of "$WORK/data.bin")
        [[ $(grep -c . <<<"$line") == 1 ]] ||
            lab_fail "expected one mmap of data.bin for window data.bin $off $len; the tracer saw:" "${line:-(none)}"
        trace_get moff "$line" off
        trace_get mlen "$line" len
        ((moff % PAGE == 0)) ||
            lab_fail "mmap offset $moff is not a multiple of the page size $PAGE (it must be, or mmap fails with EINVAL)" "$line"
        ((moff <= off && moff + mlen >= off + len)) ||
            lab_fail "the mapping [$moff, $((moff + mlen))) does not hold the range [$off, $((off + len)))" "$line"
        ((mlen <= len + 2 * PAGE)) ||
            lab_fail "the mapping is $mlen bytes for a $len-byte range: map only the pages that hold it" "$line"
        assert_munmapped "$line"
        assert_no_read_of "$WORK/data.bin"
        runs=$((runs + 1))
    done
}

@test "[3] when sysconf reports 16 KiB pages the offsets align to 16 KiB" {
    local big=16384
    ((big % PAGE == 0)) || skip "the real page size $PAGE does not divide 16 KiB"
    SIZE=$((big * 4 + $(rand_between 1 big-1)))
    rand_bytes "$SIZE" "$WORK/data.bin"
    local off=$((big * 2 + PAGE + $(rand_between 1 PAGE-1)))
    check_range "$off" 100 "$big"
    local line moff
    line=$(trace_mmaps_of "$WORK/data.bin")
    [[ -n $line ]] || lab_fail "expected an mmap of data.bin; the tracer saw none"
    trace_get moff "$line" off
    ((moff % big == 0)) ||
        lab_fail "with sysconf(_SC_PAGESIZE) = $big the mmap offset must be a multiple of $big; it was $moff" \
            "(is the page size hard-coded instead of asked from sysconf?)" "$line"
}

@test "[2] the naive version passes the raw offset and gets EINVAL; yours prints the bytes" {
    make_file
    local off=$((PAGE + $(rand_between 1 PAGE-1)))
    run_lab naive_window data.bin "$off" 10
    assert_exit 1
    assert_stderr_has "Invalid argument" "mmap with an unaligned offset fails with EINVAL"
    check_range "$off" 10
}

@test "[0] bad numbers are refused with exit status 2" {
    make_file
    local bad
    for bad in -1 abc 12x 99999999999999999999999; do
        run_lab window data.bin "$bad" 1
        assert_exit 2
        assert_stderr_has "invalid OFFSET"
    done
}
