#!/usr/bin/env bats
# Lab 08: a growable buffer in one anonymous mapping, grown with mremap.
# Points are in the test names: "[N] ..." (0: checked, not graded).

load ../lib/lab

setup_file() {
    lab_setup_file 08 || return 1
    # run_lab has no address-space option: this wrapper, run inside the
    # sandbox, lowers RLIMIT_AS and then becomes the program.
    cat >"$LAB_BIN/with_as_limit" <<'EOF'
#!/bin/sh
# with_as_limit KIB PROGRAM [ARG...]: run PROGRAM with RLIMIT_AS = KIB KiB.
ulimit -v "$1" || exit 125
shift
exec "$@"
EOF
    chmod +x "$LAB_BIN/with_as_limit"
}

setup() {
    lab_setup
    PAGE=$LAB_PAGE_SIZE
}

# expected_cap BYTES [PAGE]: the smallest PAGE * 2^k that holds BYTES.
expected_cap() {
    local c=${2:-$PAGE}
    while ((c < $1)); do c=$((c * 2)); done
    echo "$c"
}

# copies_cksum PATTERN N: the CRC `cksum` prints for N copies of PATTERN,
# built by doubling so that a thousand copies cost a dozen cat calls.
copies_cksum() {
    local pat=$1 n=$2 all="$BATS_TEST_TMPDIR/copies" pow="$BATS_TEST_TMPDIR/copies.pow"
    : >"$all"
    cp "$pat" "$pow"
    while ((n > 0)); do
        ((n & 1)) && cat "$pow" >>"$all"
        n=$((n >> 1))
        if ((n > 0)); then
            cat "$pow" "$pow" >"$pow.2" && mv "$pow.2" "$pow"
        fi
    done
    crc_of "$all"
}

# crc_of FILE: the CRC that `cksum` prints for FILE.
crc_of() {
    local c _
    read -r c _ < <(cksum <"$1")
    echo "$c"
}

# read_summary: the driver's report from the last run's stdout, read with
# builtins only (no process per field), into S_BYTES S_DATA S_CKSUM S_CAP
# S_MOVES.
read_summary() {
    S_BYTES="" S_DATA="" S_CKSUM="" S_CAP="" S_MOVES=""
    local k v
    while read -r k v; do
        case $k in
        bytes) S_BYTES=$v ;; data) S_DATA=$v ;; cksum) S_CKSUM=$v ;;
        capacity) S_CAP=$v ;; moves) S_MOVES=$v ;;
        esac
    done <"$LAB_STDOUT"
}

# assert_summary BYTES DATA CKSUM CAPACITY: the driver's report, field by field.
assert_summary() {
    local want_bytes=$1 want_data=$2 want_sum=$3 want_cap=$4
    read_summary
    [[ -n $S_BYTES && -n $S_DATA && -n $S_CKSUM && -n $S_CAP && $S_MOVES =~ ^[0-9]+$ ]] ||
        lab_fail "growbuf did not print its summary (bytes, data, cksum, capacity, moves); stdout was:" \
            "$(head -c 600 "$LAB_STDOUT")"
    [[ $S_BYTES == "$want_bytes" && $S_DATA == "$want_data" ]] ||
        lab_fail "the buffer holds $S_BYTES bytes ($S_DATA of input); expected $want_bytes ($want_data of input)"
    [[ $S_CKSUM == "$want_sum" ]] ||
        lab_fail "the bytes read back through b.base have CRC $S_CKSUM; cksum of the input gives $want_sum" \
            "(contents were lost or damaged while the buffer grew: is every copy made at b->base + b->len," \
            "with b->base the address mremap returned?)"
    [[ $S_CAP == "$want_cap" ]] ||
        lab_fail "capacity is $S_CAP; expected $want_cap, the smallest page * 2^k that holds $want_bytes bytes" \
            "(start at one page of sysconf(_SC_PAGESIZE) and double when an append does not fit)"
}

# assert_ran_ok: the run finished with status 0; a failed growth (status 3)
# gets the usual reason spelled out.
assert_ran_ok() {
    assert_not_killed
    if [[ $SB_EXIT == 3 ]]; then
        lab_fail "growbuf could not grow the buffer (exit status 3)." \
            "If it says 'Cannot allocate memory': mremap without MREMAP_MAYMOVE fails with ENOMEM" \
            "whenever the addresses right after the buffer are taken, which is common."
    fi
    assert_exit 0
}

# check_buffer_trace FINAL_CAP: the buffer's whole life in the trace. One
# anonymous mmap of one page; then mremaps, each given the address and size
# the previous call left, growing with MREMAP_MAYMOVE by doubling; finally
# one munmap of the last address. The driver's own PROT_NONE pages (mapped
# with MAP_FIXED_NOREPLACE by --crowd) are left out. Sets MOVED to the
# number of mremap calls that returned a new address.
check_buffer_trace() {
    local verdict kind msg line
    verdict=$(awk -v page="$PAGE" -v final="$1" '
        function field(k,   i) {
            for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2)
            return ""
        }
        function fail(msg) { if (!bad) print "FAIL\t" msg "\t" $0; bad = 1 }
        bad { next }
        $2 == "mmap" && $0 !~ / errno=/ {
            if (field("flags") ~ /FIXED_NOREPLACE/) { crowd[field("ret")] = 1; next }
            if (field("flags") !~ /ANONYMOUS/) next
            if (++maps > 1)
                fail("expected exactly one anonymous mmap (the first page of the buffer); this is another one. Growth must be mremap, never a second mmap + memcpy + munmap")
            addr = field("ret"); cur = field("len") + 0
            if (cur != page) fail("buf_init must map one page (" page " bytes); it mapped " cur)
            next
        }
        $2 == "mremap" {
            if (!maps) fail("mremap before the buffer was mapped")
            else if ($0 ~ / errno=/) fail("an mremap of the buffer failed")
            else if (field("addr") != addr)
                fail("mremap must be given the buffer\047s current address " addr " (what the last mmap or mremap returned)")
            else if (field("old_len") + 0 != cur) fail("mremap\047s old_size must be the current capacity " cur)
            new = field("new_len") + 0
            if (new > cur) {
                grows++
                r = new / cur
                if (field("flags") !~ /MAYMOVE/)
                    fail("growing needs MREMAP_MAYMOVE: without it mremap fails with ENOMEM whenever the addresses after the buffer are taken")
                else if (r != int(r) || 2 ^ int(log(r) / log(2) + 0.5) != r)
                    fail("capacity must grow by doubling, from " cur " to a power-of-two multiple; it went to " new)
            }
            if (field("ret") != addr) moved++
            addr = field("ret"); cur = new
            next
        }
        $2 == "munmap" {
            if (field("addr") in crowd) next
            if (++unmaps > 1 || field("addr") != addr || field("len") + 0 < cur || field("ret") != "0")
                fail("expected one munmap, of the buffer at its current address " addr " and capacity " cur " (buf_free), and no other")
        }
        END {
            if (bad) exit
            $0 = ""
            if (!maps) fail("expected an anonymous mmap of the buffer; the tracer saw none")
            else if (!grows) fail("the buffer never grew with mremap")
            else if (cur != final) fail("the last mremap left " cur " bytes mapped, but the capacity should be " final)
            else if (unmaps != 1) fail("expected buf_free to munmap the buffer at the end; the tracer saw no munmap of it")
            else print "OK\t" moved + 0
        }' "$TRACE")
    IFS=$'\t' read -r kind msg line <<<"$verdict"
    if [[ $kind != OK ]]; then
        lab_fail "${msg:-could not read the trace}" ${line:+"the call: $line"}
    fi
    MOVED=$msg
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] random input from stdin comes back intact, capacity page * 2^k (16 KiB pages too)" {
    local n big=16384
    for n in 0 1 "$PAGE" $((PAGE + 1)) "$(rand_between PAGE*3 400000)"; do
        rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
        run_lab --stdin "$BATS_TEST_TMPDIR/in" growbuf
        assert_ran_ok
        assert_summary "$n" "$n" "$(crc_of "$BATS_TEST_TMPDIR/in")" "$(expected_cap "$n")"
    done
    # Whole copies appended at once, straddling several doublings each.
    local len copies
    len=$(rand_between 1000 30000) copies=$(rand_between 50 200)
    rand_bytes "$len" "$BATS_TEST_TMPDIR/pat"
    run_lab --stdin "$BATS_TEST_TMPDIR/pat" growbuf --copies "$copies"
    assert_ran_ok
    assert_summary $((len * copies)) $((len * copies)) "$(copies_cksum "$BATS_TEST_TMPDIR/pat" "$copies")" \
        "$(expected_cap $((len * copies)))"
    # sysconf made to say 16 KiB: the first page, and so every capacity,
    # follows it. A hard-coded 4096 gives 4096 and 8192 here.
    ((big % PAGE == 0)) || return 0
    for n in 0 5000; do
        rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
        run_lab --page "$big" --stdin "$BATS_TEST_TMPDIR/in" growbuf
        assert_exit 0
        read_summary
        [[ $S_CAP == "$big" ]] ||
            lab_fail "with sysconf(_SC_PAGESIZE) = $big, $n bytes need a capacity of $big; it was ${S_CAP:-(none)}" \
                "(is the page size hard-coded instead of asked from sysconf?)"
    done
}

@test "[5] growing to 1 GiB keeps every byte, by mremap(MREMAP_MAYMOVE) alone" {
    # About a thousand copies of a small random pattern, each followed by a
    # gap of ~1 MiB of zeros (buf_append_zeros): the buffer reaches 1 GiB
    # while only a few thousand pages are ever touched.
    local len gap copies total
    len=$(rand_between 2000 9000) gap=$(rand_between 1000000 1100000)
    copies=$(((1 << 30) / (len + gap)))
    total=$((copies * (len + gap)))
    rand_bytes "$len" "$BATS_TEST_TMPDIR/pat"
    run_lab --timeout 120 --stdin "$BATS_TEST_TMPDIR/pat" growbuf --copies "$copies" --gap "$gap"
    assert_ran_ok
    assert_summary "$total" $((copies * len)) "$(copies_cksum "$BATS_TEST_TMPDIR/pat" "$copies")" \
        "$(expected_cap "$total")"
    check_buffer_trace "$(expected_cap "$total")"
}

@test "[4] a mapping placed right behind the buffer forces a move; the data follows it" {
    local n
    rand_set n 100000 400000
    rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
    run_lab --stdin "$BATS_TEST_TMPDIR/in" growbuf --crowd
    assert_ran_ok
    assert_summary "$n" "$n" "$(crc_of "$BATS_TEST_TMPDIR/in")" "$(expected_cap "$n")"
    trace_select mmap | grep -qF FIXED_NOREPLACE ||
        lab_fail "the driver's --crowd mapping does not appear in the trace"
    check_buffer_trace "$(expected_cap "$n")"
    ((MOVED > 0)) ||
        lab_fail "with the addresses after the buffer taken, mremap should have returned a new address at least once; the tracer saw:" \
            "$(trace_select mremap | head -5)"
    ((S_MOVES > 0)) || lab_fail "the driver saw b.base change $S_MOVES times; expected at least once"

    # Bigger, with gaps: each growth moves an array that is mostly untouched.
    local len copies gap=$((PAGE * 37 + 5))
    len=$(rand_between 500 5000) copies=$(rand_between 100 300)
    rand_bytes "$len" "$BATS_TEST_TMPDIR/pat"
    : >"$TRACE"
    run_lab --stdin "$BATS_TEST_TMPDIR/pat" growbuf --crowd --copies "$copies" --gap "$gap"
    assert_ran_ok
    assert_summary $((copies * (len + gap))) $((copies * len)) "$(copies_cksum "$BATS_TEST_TMPDIR/pat" "$copies")" \
        "$(expected_cap $((copies * (len + gap))))"
    check_buffer_trace "$(expected_cap $((copies * (len + gap))))"
    ((MOVED > 0)) || lab_fail "mremap never returned a new address although every growth was crowded"
}

@test "[3] --keep shrinks in place with mremap and keeps the first bytes" {
    local len copies total keep
    len=$(rand_between 3000 20000) copies=$(rand_between 60 200)
    total=$((len * copies))
    rand_bytes "$len" "$BATS_TEST_TMPDIR/pat"
    copies_cksum "$BATS_TEST_TMPDIR/pat" "$copies" >/dev/null # leaves the stream in $BATS_TEST_TMPDIR/copies
    for keep in "$(rand_between 1 total/3)" 0; do
        : >"$TRACE"
        run_lab --stdin "$BATS_TEST_TMPDIR/pat" growbuf --copies "$copies" --keep "$keep"
        assert_ran_ok
        local want_cap=$((keep == 0 ? PAGE : (keep + PAGE - 1) / PAGE * PAGE))
        assert_summary "$keep" "$keep" "$(head -c "$keep" "$BATS_TEST_TMPDIR/copies" >"$BATS_TEST_TMPDIR/kept" && crc_of "$BATS_TEST_TMPDIR/kept")" "$want_cap"
        local last old new
        last=$(trace_select mremap | tail -1)
        old=$(trace_field "$last" old_len) new=$(trace_field "$last" new_len)
        ((new < old && new == want_cap)) ||
            lab_fail "expected the last mremap to shrink the buffer to $want_cap bytes; the tracer saw:" "${last:-(no mremap)}"
        [[ $(trace_field "$last" ret) == "$(trace_field "$last" addr)" ]] ||
            lab_fail "shrinking must not move the buffer (mremap returns the same address):" "$last"
        check_buffer_trace "$want_cap"
    done
}

@test "[2] past a lowered address-space limit: a clean error, exit 3, the data kept" {
    if [[ ${MMAPLAB_SANITIZE:-0} == 1 ]]; then
        skip "AddressSanitizer reserves terabytes of address space for its shadow memory: an ASan build cannot start under a small RLIMIT_AS"
    fi
    local len gap=$((1 << 20)) copies limit_kib=98304
    rand_set len 1000 8000
    copies=$(((512 << 20) / (len + gap)))
    rand_bytes "$len" "$BATS_TEST_TMPDIR/pat"
    run_lab --stdin "$BATS_TEST_TMPDIR/pat" with_as_limit "$limit_kib" "$LAB_BIN/growbuf" --copies "$copies" --gap "$gap"
    assert_not_killed
    assert_exit 3
    assert_stderr_has "Cannot allocate memory" "mremap fails with ENOMEM past RLIMIT_AS; the driver reports errno"
    read_summary
    local bytes=$S_BYTES data=$S_DATA cap=$S_CAP
    [[ $bytes =~ ^[0-9]+$ && $data =~ ^[0-9]+$ ]] ||
        lab_fail "after the failed growth the driver must still print what the buffer holds; stdout was:" "$(head -c 400 "$LAB_STDOUT")"
    ((data % len == 0 && data > 0)) || lab_fail "the buffer holds $data input bytes, not a whole number of $len-byte copies"
    ((bytes < copies * (len + gap) && cap <= limit_kib * 1024)) ||
        lab_fail "with RLIMIT_AS at $limit_kib KiB the buffer cannot hold $bytes bytes in $cap"
    assert_summary "$bytes" "$data" "$(copies_cksum "$BATS_TEST_TMPDIR/pat" $((data / len)))" "$(expected_cap "$bytes")"
}

@test "[2] the naive buffer keeps the old base and dies when crowded; yours does not" {
    local n
    rand_set n 50000 200000
    rand_bytes "$n" "$BATS_TEST_TMPDIR/in"
    run_lab --fault-info --stdin "$BATS_TEST_TMPDIR/in" naive_growbuf --crowd
    assert_killed_by SIGSEGV SEGV_MAPERR
    run_lab --stdin "$BATS_TEST_TMPDIR/in" growbuf --crowd
    assert_ran_ok
    assert_summary "$n" "$n" "$(crc_of "$BATS_TEST_TMPDIR/in")" "$(expected_cap "$n")"
}

@test "[0] the driver refuses bad arguments with exit status 2" {
    local args
    for args in "--bogus" "--copies" "--copies x1" "--gap 10" "--copies 2 --gap 5 --keep 1"; do
        # shellcheck disable=SC2086
        run_lab growbuf $args
        assert_exit 2
    done
}
