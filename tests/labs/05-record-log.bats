#!/usr/bin/env bats
# Lab 05: a durable record log, written through a shared mapping with msync.
# Points are in the test names: "[N] ..." (0: checked, not graded).
#
# Two helpers live in tests/labs/05-record-log/ and are built here:
#   rltool      the tests' own implementation of the file format in the
#               lab's README (reader, writer, corrupter), the power-cut
#               checker and the SIGKILL driver;
#   powercut.so an LD_PRELOAD shim that keeps, msync by msync, the image of
#               what is known to be on disk.

load ../lib/lab

setup_file() {
    lab_setup_file 05
    local src="$BATS_TEST_DIRNAME/05-record-log" out="$BATS_FILE_TMPDIR/t05"
    mkdir -p "$out"
    if ! cc -std=c11 -Wall -Wextra -Werror -O1 -g -o "$out/rltool" "$src/rltool.c" ||
        ! cc -std=c11 -Wall -Wextra -Werror -O1 -g -fPIC -shared -fvisibility=hidden \
            -o "$out/powercut.so" "$src/powercut.c" -ldl; then
        touch "$BATS_FILE_TMPDIR/t05.failed"
    fi
}

setup() {
    lab_setup
    umask 022
    PAGE=$LAB_PAGE_SIZE
    RLTOOL="$BATS_FILE_TMPDIR/t05/rltool"
    POWERCUT="$BATS_FILE_TMPDIR/t05/powercut.so"
    LOG="$WORK/log.db"
    if [[ -e $BATS_FILE_TMPDIR/t05.failed ]]; then
        lab_fail "the test helpers in tests/labs/05-record-log/ do not build"
    fi
}

# gen N LONG FILE: N random records, one per line (any byte but newline,
# NULs included); about one in eight is up to LONG bytes long.
gen() {
    "$RLTOOL" gen "$RANDOM$RANDOM" "$1" "$2" >"$3"
}

# How many records (lines, a last one without '\n' included) a file holds.
records_in() {
    local n
    n=$(tr -cd '\n' <"$1" | wc -c)
    [[ -s $1 && $(tail -c 1 "$1" | od -An -c | tr -d ' ') != '\n' ]] && n=$((n + 1))
    echo "$n"
}

# committed_count: the log's record count, read by the tests' own reader.
committed_count() {
    "$RLTOOL" dump "$LOG" | head -1 | cut -d' ' -f1
}

# append_ok INPUT FIRST N [run_lab options...]: append the lines of INPUT,
# expecting a clean exit and the acknowledgements FIRST .. FIRST+N-1.
append_ok() {
    local in=$1 first=$2 n=$3
    shift 3
    run_lab --timeout 60 "$@" --stdin "$in" reclog append log.db
    assert_not_killed
    assert_exit 0
    local want=""
    ((n > 0)) && want=$(seq "$first" $((first + n - 1)))
    if [[ $output != "$want" ]]; then
        lab_fail "append must print the new record count after each commit, one per line:" \
            "expected $n lines, $first to $((first + n - 1)); got: $(head -c 300 "$LAB_STDOUT" | tr '\n' ' ')"
    fi
}

# assert_format_is WANT: the tests' own reader finds exactly WANT in the log.
assert_format_is() {
    local got="$BATS_TEST_TMPDIR/rltool.out"
    if ! "$RLTOOL" list "$LOG" >"$got"; then
        lab_fail "the log does not follow the file format in the README; the tests' own reader says:" \
            "$(<"$got")"
    fi
    cmp -s "$got" "$1" ||
        lab_fail "the tests' own reader (README's format) finds other records in the log than the ones appended" \
            "$(cmp "$got" "$1" | head -1)"
}

# fields LINE: the key=value fields of a trace line into the array F.
fields() {
    declare -gA F=()
    local w
    for w in $1; do
        [[ $w == *=* ]] && F[${w%%=*}]=${w#*=}
    done
}

# log_msyncs: every msync of a mapping of the log, in call order, as
#   FILE_OFFSET LENGTH FLAGS RET
# The tracer logs addresses; the mmap, mremap and munmap calls say which
# addresses map which part of the log.
log_msyncs() {
    local p line call base addr
    p=$(trace_path "$LOG")
    local -A mlen=() moff=()
    while IFS= read -r line; do
        call=${line#* }
        call=${call%% *}
        case $call in
        mmap | mremap | munmap | msync) fields "$line" ;;
        *) continue ;;
        esac
        [[ -z ${F[errno]:-} ]] || continue
        case $call in
        mmap)
            [[ ${F[path]:-} == "$p" ]] || continue
            base=$((F[ret]))
            mlen[$base]=${F[len]}
            moff[$base]=${F[off]}
            ;;
        mremap)
            addr=$((F[addr]))
            [[ -n ${mlen[$addr]:-} ]] || continue
            base=$((F[ret]))
            local o=${moff[$addr]}
            unset "mlen[$addr]" "moff[$addr]"
            mlen[$base]=${F[new_len]}
            moff[$base]=$o
            ;;
        munmap)
            addr=$((F[addr]))
            if [[ -n ${mlen[$addr]:-} ]]; then unset "mlen[$addr]" "moff[$addr]"; fi
            ;;
        msync)
            addr=$((F[addr]))
            for base in "${!mlen[@]}"; do
                if ((addr >= base && addr < base + mlen[$base])); then
                    echo "$((moff[$base] + addr - base)) ${F[len]} ${F[flags]} ${F[ret]}"
                    break
                fi
            done
            ;;
        esac
    done <"$TRACE"
}

# file_state FILE: its checksum, size and mtime, to compare before and after.
file_state() { printf '%s %s\n' "$(sha256sum <"$1")" "$(stat -c '%s %y' "$1")"; }

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[3] random records appended in several runs come back from list, byte for byte" {
    local want="$BATS_TEST_TMPDIR/want" run n count=0
    : >"$want"
    for run in 1 2 3; do
        rand_set n 4 15
        gen "$n" $((PAGE * 5 / 2)) "$BATS_TEST_TMPDIR/in.$run"
        # Run 2 loses its final newline below; an empty last record would
        # vanish with it (n - 1 records, rightly), so that input is drawn again.
        while ((run == 2)) && [[ $(tail -c 2 "$BATS_TEST_TMPDIR/in.$run" | od -An -tx1) == " 0a 0a" ]]; do
            gen "$n" $((PAGE * 5 / 2)) "$BATS_TEST_TMPDIR/in.$run"
        done
        cat "$BATS_TEST_TMPDIR/in.$run" >>"$want"
        # One run ends without a final newline: its last line is a record too.
        ((run == 2)) && truncate -s -1 "$BATS_TEST_TMPDIR/in.$run"
        append_ok "$BATS_TEST_TMPDIR/in.$run" $((count + 1)) "$n"
        count=$((count + n))
    done

    # Nothing to append: nothing printed, the log untouched.
    local before
    before=$(file_state "$LOG")
    append_ok /dev/null 1 0
    [[ $(file_state "$LOG") == "$before" ]] || lab_fail "an empty input must leave the log unchanged"

    run_lab reclog list log.db
    assert_not_killed
    assert_exit 0
    assert_stdout_is "$want" "the $count records appended, one per line"
    assert_format_is "$want"
}

@test "[2] list reads a log written by another program, append continues it, a damaged record is refused" {
    # The tests' own writer: another data offset, garbage after the records.
    local doff=$((8 * $(rand_between 3 600))) n
    rand_set n 4 12
    gen "$n" $((PAGE * 2)) "$BATS_TEST_TMPDIR/in"
    "$RLTOOL" make "$LOG" "$doff" "$(rand_between 1 300)" <"$BATS_TEST_TMPDIR/in"
    run_lab reclog list log.db
    assert_not_killed
    assert_exit 0
    assert_stdout_is "$BATS_TEST_TMPDIR/in" "the $n records of a log written by the README's format (data offset $doff)"

    gen 3 "$PAGE" "$BATS_TEST_TMPDIR/more"
    append_ok "$BATS_TEST_TMPDIR/more" $((n + 1)) 3
    cat "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/more" >"$BATS_TEST_TMPDIR/want"
    assert_format_is "$BATS_TEST_TMPDIR/want"

    # Damage one committed record: one byte of its payload or, for an empty
    # one, of its checksum.
    local k start end
    k=$(rand_between 1 $((n + 3)))
    read -r _ start end < <("$RLTOOL" dump "$LOG" | sed -n "$((k + 1))p")
    local at=$((start + 4))
    ((end > start + 8)) && at=$(rand_between $((start + 8)) $((end - 1)))
    "$RLTOOL" poke "$LOG" "$at"
    run_lab reclog list log.db
    assert_not_killed
    assert_exit 1
    assert_stderr_has "record $k is damaged" "record $k was changed at byte $at of the file"
    [[ ! -s $LAB_STDOUT ]] || lab_fail "a damaged log must print no records at all"
    local before
    before=$(file_state "$LOG")
    run_lab --stdin "$BATS_TEST_TMPDIR/more" reclog append log.db
    assert_not_killed
    assert_exit 1
    assert_stderr_has "record $k is damaged" "append must check the log like list does"
    [[ $(file_state "$LOG") == "$before" ]] || lab_fail "append modified a damaged log; it must refuse it untouched"
}

@test "[4] each record: msync(MS_SYNC) of just its pages, page-aligned, then an msync of the header page" {
    gen 4 100 "$BATS_TEST_TMPDIR/first"
    append_ok "$BATS_TEST_TMPDIR/first" 1 4
    : >"$TRACE"
    # The first new record starts inside a page and crosses into the next
    # one by a few bytes; then random ones, some over two pages long.
    local end gap n
    read -r _ _ end _ < <("$RLTOOL" dump "$LOG" | head -1)
    gap=$((PAGE - end % PAGE))
    head -c $((gap - 8 + $(rand_between 8 100))) /dev/zero | tr '\0' 'c' >"$BATS_TEST_TMPDIR/in"
    echo >>"$BATS_TEST_TMPDIR/in"
    rand_set n 8 14
    gen "$n" $((PAGE * 5 / 2)) "$BATS_TEST_TMPDIR/more"
    cat "$BATS_TEST_TMPDIR/more" >>"$BATS_TEST_TMPDIR/in"
    n=$((n + 1))
    append_ok "$BATS_TEST_TMPDIR/in" 5 "$n"

    # Where the new records lie in the file (the tests' own reader).
    local -a RS RE
    local k s e
    while read -r k s e; do
        ((k > 4)) || continue
        RS[k - 4]=$s
        RE[k - 4]=$e
    done < <("$RLTOOL" dump "$LOG" | tail -n +2)
    ((${#RS[@]} == n)) || lab_fail "expected 4 + $n records in the log; the tests' reader found $((${#RS[@]} + 4))"

    local syncs
    syncs=$(log_msyncs)
    [[ -n $syncs ]] || lab_fail "expected msync calls on the mapping of log.db; the tracer saw none" \
        "$(trace_select msync | head -5)"

    local off len flags ret i=0 P=$PAGE first last p
    local -A covered=()
    k=1
    while read -r off len flags ret; do
        i=$((i + 1))
        local what="msync call $i: file offset $off, length $len, flags $flags"
        if [[ $flags == *ASYNC* ]]; then
            lab_fail "$what: MS_ASYNC does nothing on Linux (a no-op since 2.6.19): it writes no page" \
                "and waits for nothing, so the record is no safer than without msync. Use MS_SYNC."
        fi
        [[ $flags == SYNC ]] || lab_fail "$what: use MS_SYNC (alone), which writes the pages and waits"
        ((ret == 0)) || lab_fail "$what failed; the tracer saw: $(trace_select msync | sed -n "${i}p")"
        ((off % P == 0)) || lab_fail "$what: the address is not on a page boundary (msync needs one)"
        if ((off == 0)); then
            # The header: it must hold the count (bytes 16..23) and nothing else.
            ((len >= 24)) || lab_fail "$what: the header msync must cover the count (bytes 16 to 23)"
            ((len <= P)) || lab_fail "$what: the header msync must cover only the header page ($P bytes);" \
                "this one also writes record pages, before their count is safe to publish"
            ((k <= n)) || lab_fail "$what: a header msync after all $n new records were already committed"
            for ((p = RS[k] / P; p <= (RE[k] - 1) / P; p++)); do
                [[ -n ${covered[$p]:-} ]] ||
                    lab_fail "$what: this header msync commits record $((k + 4)), but page $p holding its bytes" \
                        "[${RS[k]}, ${RE[k]}) was not msynced before it. The record must be durable before" \
                        "the count that covers it: msync the record's pages first, then the header."
            done
            k=$((k + 1))
            covered=()
        else
            ((k <= n)) || lab_fail "$what: an msync after all $n new records were committed"
            first=$((off / P))
            last=$(((off + len + P - 1) / P - 1))
            if ((first < RS[k] / P || last > (RE[k] - 1) / P)); then
                lab_fail "$what: syncs pages $first to $last, but record $((k + 4)) (the next one to commit)" \
                    "lies in bytes [${RS[k]}, ${RE[k]}), pages $((RS[k] / P)) to $(((RE[k] - 1) / P))." \
                    "Sync only the dirty pages that hold the new record."
            fi
            for ((p = first; p <= last; p++)); do covered[$p]=1; done
        fi
    done <<<"$syncs"
    ((k == n + 1)) || lab_fail "only $((k - 1)) of the $n new records were followed by an msync of the header page" \
        "(each record is committed by its own header msync)"
}

@test "[2] with 16 KiB pages from sysconf: data offset, growth by ftruncate and msync addresses follow them" {
    local big=16384
    ((big % PAGE == 0)) || skip "the real page size $PAGE does not divide 16 KiB"
    # 40000 bytes first, 12000 more: the file must grow past 4 pages (to 5,
    # not to 8), then a few short records.
    local in="$BATS_TEST_TMPDIR/in"
    { head -c 40000 /dev/zero | tr '\0' 'x'; echo; head -c 12000 /dev/zero | tr '\0' 'y'; echo; } >"$in"
    gen "$(rand_between 4 10)" 2000 "$BATS_TEST_TMPDIR/more"
    cat "$BATS_TEST_TMPDIR/more" >>"$in"
    local n
    n=$(records_in "$BATS_TEST_TMPDIR/in")
    append_ok "$BATS_TEST_TMPDIR/in" 1 "$n" --page "$big"
    assert_format_is "$BATS_TEST_TMPDIR/in"

    local count doff end size
    read -r count doff end size < <("$RLTOOL" dump "$LOG" | head -1)
    ((doff == big)) || lab_fail "a new log's data offset must be the page size sysconf reports ($big); it is $doff" \
        "(is 4096 hard-coded?)"
    local want=$(((end + big - 1) / big * big))
    ((size == want)) || lab_fail "the file is $size bytes; it must grow in whole pages, to the smallest multiple" \
        "of the page size ($big) that holds the records: $want"

    local p line t=0
    p=$(trace_path "$LOG")
    while IFS= read -r line; do
        fields "$line"
        t=$((t + 1))
        ((F[len] % big == 0)) || lab_fail "ftruncate to ${F[len]} bytes is not a multiple of the page size ($big)" "$line"
    done < <(trace_select ftruncate "path=$p")
    ((t >= 2)) || lab_fail "expected the log to grow with ftruncate several times (it holds over 40000 bytes);" \
        "the tracer saw $t ftruncate calls" "$(trace_about "$p")"
    local off len flags ret
    while read -r off len flags ret; do
        ((off % big == 0)) || lab_fail "an msync at file offset $off is not on a $big-byte page boundary" \
            "(with sysconf(_SC_PAGESIZE) = $big; is 4096 hard-coded?)"
    done < <(log_msyncs)
}

# run_powercut ARGS...: run reclog in the sandbox under powercut.so.
run_powercut() {
    local stdin=$1
    shift
    RUNS=$((RUNS + 1))
    LAB_STDOUT="$BATS_TEST_TMPDIR/stdout.$RUNS"
    LAB_STDERR="$BATS_TEST_TMPDIR/stderr.$RUNS"
    LAST_CMD="reclog $* (under the power-cut model)"
    lab_preload "$POWERCUT"
    POWERCUT_FILE="$LOG" POWERCUT_DIR="$PCDIR" LD_PRELOAD=$LAB_PRELOAD LD_LIBRARY_PATH=$LAB_PRELOAD_PATH \
        ASAN_OPTIONS="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$MMAPLAB_TOOLS/sandbox" --timeout 60 --dir "$WORK" --stdin "$stdin" \
        --stdout "$LAB_STDOUT" --stderr "$LAB_STDERR" --report "$BATS_TEST_TMPDIR/report.$RUNS" \
        -- "$LAB_BIN/reclog" "$@" 3>&-
    sandbox_read_report "$BATS_TEST_TMPDIR/report.$RUNS"
    status=$SB_EXIT
    output=$(<"$LAB_STDOUT")
    sanitizer_check
}

@test "[3] power-cut model: at every msync, the count never covers a record that is not on disk" {
    local run n count=0 res
    for run in 1 2; do
        PCDIR="$BATS_TEST_TMPDIR/pc.$run"
        mkdir -p "$PCDIR"
        lab_share "$PCDIR"
        rand_set n 5 10
        gen "$n" $((PAGE * 2)) "$BATS_TEST_TMPDIR/in.$run"
        run_powercut "$BATS_TEST_TMPDIR/in.$run" append "$LOG"
        assert_not_killed
        assert_exit 0
        count=$((count + n))
        res=$("$RLTOOL" crashcheck "$PCDIR" "$count") ||
            lab_fail "run $run (appending $n records to $((count - n))):" "$res"
    done
}

@test "[4] SIGKILL at 100 random moments: every acknowledged record is there, whole, in order" {
    gen 3 100 "$BATS_TEST_TMPDIR/first"
    append_ok "$BATS_TEST_TMPDIR/first" 1 3
    mkdir -p "$BATS_TEST_TMPDIR/kills"
    # shellcheck disable=SC2034 # read by lab_fail
    LAST_CMD="reclog append log.db, killed with SIGKILL after a random number of commits, 100 times"
    LAB_STDERR="$BATS_TEST_TMPDIR/kills/append.err"
    local res
    res=$(ASAN_OPTIONS="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1" \
        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$RLTOOL" kills "$MMAPLAB_TOOLS/sandbox" "$LAB_BIN/reclog" "$LOG" 100 "$RANDOM$RANDOM" \
        "$BATS_TEST_TMPDIR/kills" $((PAGE * 2)) 3>&-) || lab_fail "$res"
}

# assert_bad_log_message NAME WORDS: stderr is "reclog: NAME: ..." with WORDS.
# shellcheck disable=SC2154 # stderr is set by run_lab
assert_bad_log_message() {
    [[ $stderr == *"reclog: $1: "*"$2"* ]] ||
        lab_fail "expected the message \"reclog: $1: ...$2...\" on stderr (see the README's table)" \
            "it was: ${stderr:0:600}"
}

@test "[2] wrong magic, a short header, a count past the end: a clear error, the file untouched" {
    # Six random records and a last one of one to two pages.
    gen 6 "$PAGE" "$BATS_TEST_TMPDIR/in"
    head -c "$(rand_between "$PAGE" $((2 * PAGE)))" /dev/zero | tr '\0' 'z' >>"$BATS_TEST_TMPDIR/in"
    echo >>"$BATS_TEST_TMPDIR/in"
    "$RLTOOL" make "$BATS_TEST_TMPDIR/good" "$PAGE" 0 <"$BATS_TEST_TMPDIR/in"
    local last_start last_end count
    read -r count _ < <("$RLTOOL" dump "$BATS_TEST_TMPDIR/good" | head -1)
    read -r _ last_start last_end < <("$RLTOOL" dump "$BATS_TEST_TMPDIR/good" | tail -1)

    local -a names=() keys=()
    cp "$BATS_TEST_TMPDIR/good" "$WORK/magic.db"
    "$RLTOOL" poke "$WORK/magic.db" "$(rand_between 0 7)"
    names+=(magic.db) keys+=("bad magic")
    head -c "$(rand_between 1 23)" "$BATS_TEST_TMPDIR/good" >"$WORK/short.db"
    names+=(short.db) keys+=("header too short")
    # A count past the end: the file cut inside the last record's payload...
    cp "$BATS_TEST_TMPDIR/good" "$WORK/cut.db"
    truncate -s "$(rand_between $((last_start + 8)) $((last_end - 1)))" "$WORK/cut.db"
    names+=(cut.db) keys+=("runs past the end of the file")
    # ... or cut right after it, with the count raised.
    cp "$BATS_TEST_TMPDIR/good" "$WORK/count.db"
    truncate -s "$last_end" "$WORK/count.db"
    "$RLTOOL" setcount "$WORK/count.db" $((count + $(rand_between 1 5)))
    names+=(count.db) keys+=("runs past the end of the file")

    local i f before
    for i in "${!names[@]}"; do
        f=${names[i]}
        touch -d @1000000000 "$WORK/$f"
        before=$(file_state "$WORK/$f")
        run_lab reclog list "$f"
        assert_not_killed
        assert_exit 1
        assert_bad_log_message "$f" "${keys[i]}"
        [[ ! -s $LAB_STDOUT ]] || lab_fail "list of a bad log ($f) must print no records"
        run_lab --stdin "$BATS_TEST_TMPDIR/in" reclog append "$f"
        assert_not_killed
        assert_exit 1
        assert_bad_log_message "$f" "${keys[i]}"
        [[ ! -s $LAB_STDOUT ]] || lab_fail "append to a bad log ($f) must acknowledge nothing"
        [[ $(file_state "$WORK/$f") == "$before" ]] ||
            lab_fail "$f was modified (bytes, size or mtime); a file that is not a valid log must be left as it was" \
                "before: $before" "after:  $(file_state "$WORK/$f")"
    done
}

@test "[0] usage errors exit 2; a missing file for list exits 1" {
    run_lab reclog
    assert_exit 2
    run_lab reclog lists log.db
    assert_exit 2
    run_lab reclog list nosuch.db
    assert_exit 1
    assert_stderr_has "No such file or directory"
}
