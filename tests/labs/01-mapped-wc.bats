#!/usr/bin/env bats
# Lab 01: a wc-like counter over read-only, private mappings.
# Points are in the test names: "[N] ..." (0: checked, not graded).

load ../lib/lab

setup_file() { lab_setup_file 01; }
setup() { lab_setup; }

# expected_wc FILE NAME: "LINES WORDS BYTES NAME" from coreutils wc.
expected_wc() {
    local l w c
    read -r l w c _ < <(LC_ALL=C wc -l -w -c <"$1")
    echo "$l $w $c $2"
}

# assert_counts EXPECTED_FILE: stdout must equal it line by line.
assert_counts() {
    local want=$1
    if ! diff -q <(printf '%s\n' "$output") "$want" >/dev/null; then
        lab_fail "the counts differ from coreutils wc (LC_ALL=C wc -l -w -c):" \
            "$(paste -d'|' <(printf '%s\n' "$output") "$want" | awk -F'|' '
                $1 != $2 { printf "  line %d: yours \"%s\", wc \"%s\"\n", NR, $1, $2; if (++n == 8) exit }')"
    fi
}

total_of() {
    awk '{ l += $1; w += $2; c += $3 } END { print l, w, c, "total" }' "$1"
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] counts equal wc on random text files" {
    local want="$BATS_TEST_TMPDIR/want" names=()
    : >"$want"
    local k
    for k in 1 2 3 4 5; do
        rand_text "$(rand_between 1 150000)" "$WORK/text$k.txt"
        names+=("text$k.txt")
        expected_wc "$WORK/text$k.txt" "text$k.txt" >>"$want"
    done
    total_of "$want" >"$want.total"
    cat "$want.total" >>"$want"
    run_lab mapwc "${names[@]}"
    assert_not_killed
    assert_exit 0
    assert_counts "$want"
}

@test "[4] a file without a final newline, a one-byte file and an empty file" {
    printf 'alpha beta\tgamma\n\ndelta epsilon' >"$WORK/nonl.txt"
    printf 'x' >"$WORK/one.txt"
    : >"$WORK/empty.txt"
    local want="$BATS_TEST_TMPDIR/want"
    {
        expected_wc "$WORK/nonl.txt" nonl.txt
        expected_wc "$WORK/one.txt" one.txt
        echo "0 0 0 empty.txt"
    } >"$want"
    total_of "$want" >"$want.total"
    cat "$want.total" >>"$want"
    run_lab mapwc nonl.txt one.txt empty.txt
    assert_not_killed
    assert_exit 0
    assert_counts "$want"
    if trace_select mmap | grep -q ' len=0 '; then
        lab_fail "mmap was called with length 0 for the empty file (that is EINVAL):" \
            "$(trace_select mmap | grep ' len=0 ')"
    fi
}

@test "[4] a missing file and a directory are reported; the other files are still counted" {
    rand_text "$(rand_between 100 5000)" "$WORK/a.txt"
    rand_text "$(rand_between 100 5000)" "$WORK/b.txt"
    mkdir "$WORK/adir"
    local want="$BATS_TEST_TMPDIR/want"
    {
        expected_wc "$WORK/a.txt" a.txt
        expected_wc "$WORK/b.txt" b.txt
    } >"$want"
    total_of "$want" >"$want.total"
    cat "$want.total" >>"$want"
    run_lab mapwc a.txt no-such-file adir b.txt
    assert_not_killed
    assert_exit 1
    assert_counts "$want"
    assert_stderr_has "mapwc: no-such-file: No such file or directory"
    assert_stderr_has "mapwc: adir: Is a directory"
}

@test "[4] a sparse file over 4 GiB is counted with 64-bit sizes" {
    # Scanning 4 GiB under AddressSanitizer takes minutes and finds nothing
    # the smaller files do not; the plain build runs it.
    [[ ${MMAPLAB_SANITIZE:-0} == 1 ]] && skip "4 GiB scan is not run under the sanitizers"
    local f="$WORK/big.bin" head tail size
    rand_set head 1000 20000
    rand_set tail 1000 20000
    size=$((4 * 1024 * 1024 * 1024 + $(rand_between 1 100000)))
    rand_text "$head" "$BATS_TEST_TMPDIR/head"
    rand_text "$tail" "$BATS_TEST_TMPDIR/tail"
    truncate -s "$size" "$f"
    dd if="$BATS_TEST_TMPDIR/head" of="$f" conv=notrunc status=none
    dd if="$BATS_TEST_TMPDIR/tail" of="$f" bs=1 seek=$((size - tail)) conv=notrunc status=none
    # The hole reads as zero bytes, which are not blanks, so it is one word
    # character run: the same counts as head + one letter + tail. (A letter,
    # not a NUL: coreutils wc does not count a run of unprintable bytes as a
    # word, the lab's contract does.)
    { cat "$BATS_TEST_TMPDIR/head"; printf 'x'; cat "$BATS_TEST_TMPDIR/tail"; } >"$BATS_TEST_TMPDIR/small"
    local l w
    read -r l w _ < <(LC_ALL=C wc -l -w -c <"$BATS_TEST_TMPDIR/small")
    echo "$l $w $size big.bin" >"$BATS_TEST_TMPDIR/want"
    run_lab --timeout 120 mapwc big.bin
    rm -f "$f"
    assert_not_killed
    assert_exit 0
    assert_counts "$BATS_TEST_TMPDIR/want"
}

@test "[4] one PROT_READ, MAP_PRIVATE mapping per non-empty file, unmapped, and no read()" {
    local names=() k
    for k in 1 2 3; do
        rand_text "$(rand_between 1 40000)" "$WORK/f$k.txt"
        names+=("f$k.txt")
    done
    : >"$WORK/empty.txt"
    run_lab mapwc "${names[@]}" empty.txt
    assert_not_killed
    local f maps line size
    for f in "${names[@]}"; do
        size=$(stat -c %s "$WORK/$f")
        maps=$(trace_mmaps_of "$WORK/$f")
        if [[ $(grep -c . <<<"$maps") != 1 ]]; then
            lab_fail "expected exactly one successful mmap of $f; the tracer saw:" \
                "${maps:-(none)}" "all calls about $f:" "$(trace_about "$(trace_path "$WORK/$f")")"
        fi
        line=$maps
        [[ $(trace_field "$line" prot) == READ ]] ||
            lab_fail "the mapping of $f should be PROT_READ only" "$line"
        [[ $(trace_field "$line" flags) == PRIVATE ]] ||
            lab_fail "the mapping of $f should be MAP_PRIVATE" "$line"
        [[ $(trace_field "$line" off) == 0 ]] ||
            lab_fail "the mapping of $f should start at offset 0" "$line"
        (($(trace_field "$line" len) >= size)) ||
            lab_fail "the mapping of $f is shorter than the file ($size bytes)" "$line"
        assert_munmapped "$line"
        assert_no_read_of "$WORK/$f"
    done
    [[ -z $(trace_mmaps_of "$WORK/empty.txt") ]] ||
        lab_fail "the empty file should not be mapped (length 0 is EINVAL)" "$(trace_mmaps_of "$WORK/empty.txt")"
}
