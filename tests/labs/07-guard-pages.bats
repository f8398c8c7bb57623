#!/usr/bin/env bats
# Lab 07: buffers that end against PROT_NONE guard pages, and a table frozen
# read-only with mprotect. Points are in the test names: "[N] ..."
# (0: checked, not graded).

load ../lib/lab

setup_file() { lab_setup_file 07; }
setup() {
    lab_setup
    PAGE=$LAB_PAGE_SIZE
}

# run_arena [RUN_LAB OPTIONS...] BUFSIZE COUNT: run arena with the script in
# $BATS_TEST_TMPDIR/script, then read the layout lines it printed.
run_arena() {
    local opts=()
    while [[ $1 == --* ]]; do
        case $1 in
        --page) opts+=("$1" "$2"); shift 2 ;;
        *) opts+=("$1"); shift ;;
        esac
    done
    run_lab "${opts[@]}" --stdin "$BATS_TEST_TMPDIR/script" arena "$1" "$2"
    read_layout "$2"
}

# read_layout COUNT: PG, TABLE, ENTRIES, BUF[i] (as numbers) from the first
# lines of stdout; BODY is the file of the lines after them.
read_layout() {
    local count=$1 k i a
    PG=$(awk '$1 == "page" { print $2; exit }' "$LAB_STDOUT")
    TABLE=$(awk '$1 == "table" { print $2; exit }' "$LAB_STDOUT")
    ENTRIES=$(awk '$1 == "table" { print $3; exit }' "$LAB_STDOUT")
    BUF=()
    while read -r k i a; do
        [[ $k == buffer && $i =~ ^[0-9]+$ && $a =~ ^0x[0-9a-f]+$ ]] && BUF[i]=$((a))
    done <"$LAB_STDOUT"
    if [[ ! $PG =~ ^[0-9]+$ || ! $TABLE =~ ^0x[0-9a-f]+$ || ${#BUF[@]} != "$count" ]]; then
        lab_fail "expected the layout first: 'page P', 'table 0xADDR ENTRIES', then one 'buffer I 0xADDR' per buffer ($count);" \
            "$(ending_words); stdout began with:" "$(head -5 "$LAB_STDOUT")"
    fi
    TABLE=$((TABLE))
    BODY="$BATS_TEST_TMPDIR/body"
    tail -n +$((3 + count)) "$LAB_STDOUT" >"$BODY"
}

# check_layout BUFSIZE P: every buffer ends on a page boundary (real pages)
# and consecutive buffers are roundup(BUFSIZE, P) + P bytes apart.
check_layout() {
    local b=$1 p=$2 i stride
    stride=$(((b + p - 1) / p * p + p))
    [[ $PG == "$p" ]] || lab_fail "the program reports page $PG; sysconf(_SC_PAGESIZE) says $p"
    for i in "${!BUF[@]}"; do
        (((BUF[i] + b) % PAGE == 0)) ||
            lab_fail "buffer $i ends at $(printf '0x%x' $((BUF[i] + b))), which is not page-aligned:" \
                "the guard page must start right after the last byte of the buffer"
        if ((i > 0 && BUF[i] - BUF[i - 1] != stride)); then
            lab_fail "buffers $((i - 1)) and $i are $((BUF[i] - BUF[i - 1])) bytes apart; with BUFSIZE $b and $p-byte pages" \
                "each slot is $b rounded up to whole pages plus one guard page: $stride bytes"
        fi
    done
}

# The reference model: what the script's read and get lines print.
model() {
    LC_ALL=C awk '
        $1 == "write" { for (k = 0; k < $4; k++) m[$2, $3 + k] = $5 }
        $1 == "read"  { for (k = 0; k < $4; k++) printf "%02x", m[$2, $3 + k] + 0; printf "\n" }
        $1 == "set"   { t[$2] = $3 }
        $1 == "get"   { print(($2 in t) ? t[$2] : 0) }
    ' "$BATS_TEST_TMPDIR/script" >"$BATS_TEST_TMPDIR/want"
}

# rnd LO HI: like rand_between, into $R, without a subshell per number
# (a fork costs tens of milliseconds on a busy machine).
rnd() { R=$(($1 + ((RANDOM << 15 | RANDOM) % ($2 - $1 + 1)))); }

# A random in-bounds script for COUNT buffers of BUFSIZE bytes.
gen_script() {
    local b=$1 count=$2 n=$3 c i off len keys=$((2 * PAGE / 8 - 1)) R
    {
        for ((c = 0; c < n; c++)); do
            rnd 0 $((count - 1)); i=$R
            rnd 0 $((b - 1)); off=$R
            case $((RANDOM % 6)) in
            0 | 1) rnd 1 $((b - off)); len=$R; rnd 0 255; echo "write $i $off $len $R" ;;
            2) rnd 0 $((b - off < 64 ? b - off : 64)); echo "read $i $off $R" ;;
            3) len=$((b < 40 ? b : 40)); rnd 1 255; echo "write $i $((b - len)) $len $R" ;;
            4) rnd 0 "$keys"; len=$R; rnd 1 2147483647; echo "set $len $R$((RANDOM % 90 + 10))" ;;
            5) rnd 0 "$keys"; echo "get $R" ;;
            esac
        done
        echo "# the whole of every buffer"
        for ((i = 0; i < count; i++)); do echo "read $i 0 $b"; done
    } >"$BATS_TEST_TMPDIR/script"
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[5] random writes and reads inside the buffers, and the table, match a reference model" {
    local b count
    for b in $(rand_between 1 100) "$PAGE" $((PAGE * $(rand_between 1 3) + $(rand_between 1 PAGE-1))); do
        rand_set count 2 4
        gen_script "$b" "$count" 40
        model
        run_arena "$b" "$count"
        assert_not_killed
        assert_exit 0
        if ! cmp -s "$BODY" "$BATS_TEST_TMPDIR/want"; then
            lab_fail "with BUFSIZE $b and COUNT $count, the read and get lines differ from the reference model:" \
                "$(diff "$BATS_TEST_TMPDIR/want" "$BODY" | cut -c1-120 | head -8)"
        fi
    done
}

@test "[4] one byte past a buffer is SIGSEGV (SEGV_ACCERR) at the first byte of its guard page" {
    local b count i k round
    for round in write read; do
        if [[ $round == write ]]; then
            b=$((PAGE * $(rand_between 0 2) + $(rand_between 1 PAGE-1)))
        else
            b=$((PAGE * $(rand_between 1 2)))
        fi
        rand_set count 2 4
        i=$(rand_between 0 $((count - 1)))
        k=$(rand_between 0 $((b < 50 ? b - 1 : 50)))
        {
            echo "write $i $((b - 1)) 1 7"
            echo "read $i $((b - 1)) 1"
            if [[ $round == write ]]; then
                echo "write $i $((b - k)) $((k + 1)) 9"
            else
                echo "read $i $((b - k)) $((k + 1))"
            fi
            echo "read $i 0 1"
        } >"$BATS_TEST_TMPDIR/script"
        run_arena --fault-info "$b" "$count"
        assert_killed_by SIGSEGV SEGV_ACCERR
        check_layout "$b" "$PAGE"
        local want=$((BUF[i] + b))
        ((SB_FAULT_ADDR == want)) ||
            lab_fail "a $round of $((k + 1)) bytes from byte $((b - k)) of buffer $i (BUFSIZE $b) should fault at" \
                "buffer $i + $b = $(printf '0x%x' "$want"), the first byte of its guard; $(fault_words)"
        [[ $SB_ADDR_IN_MAP == 0 ]] ||
            lab_fail "the fault should be at byte 0 of the guard page's own mapping; $(fault_words)"
        [[ $(head -1 "$BODY") == 07 ]] ||
            lab_fail "the last byte of buffer $i (offset $((b - 1))) must be usable: 'read $i $((b - 1)) 1' should print 07"
    done
}

@test "[3] after freeze the table reads fine and a write to it is SIGSEGV (SEGV_ACCERR)" {
    local keys=() k n key
    rand_set n 3 6
    {
        for ((k = 0; k < n; k++)); do
            key=$(rand_between 0 $((2 * PAGE / 8 - 1)))
            keys+=("$key")
            echo "set $key $(rand_between 1 2147483647)"
        done
        echo "freeze"
        for key in "${keys[@]}"; do echo "get $key"; done
    } >"$BATS_TEST_TMPDIR/script"
    model
    key=$(rand_between 0 $((2 * PAGE / 8 - 1)))
    echo "set $key 1" >>"$BATS_TEST_TMPDIR/script"
    run_arena --fault-info 100 1
    assert_killed_by SIGSEGV SEGV_ACCERR
    ((SB_FAULT_ADDR == TABLE + 8 * key)) ||
        lab_fail "'set $key 1' after freeze should fault at table + $((8 * key)) = $(printf '0x%x' $((TABLE + 8 * key)));" \
            "$(fault_words)"
    cmp -s "$BODY" "$BATS_TEST_TMPDIR/want" ||
        lab_fail "after freeze, get must still print the values set before it:" \
            "$(diff "$BATS_TEST_TMPDIR/want" "$BODY" | head -8)"
}

@test "[2] freeze-at an unaligned offset reports mprotect's EINVAL (exit 3); at a page boundary it freezes from there" {
    local off
    off=$(rand_between 1 $((2 * PAGE - 1)))
    ((off % PAGE)) || off=$((off - 1))
    printf 'set 0 5\nfreeze-at %s\nget 0\n' "$off" >"$BATS_TEST_TMPDIR/script"
    run_arena 100 1
    assert_not_killed
    assert_exit 3
    assert_stderr_has "Invalid argument" "mprotect needs a page-aligned address (EINVAL)"
    [[ ! -s $BODY ]] || lab_fail "the program must stop at the failed freeze-at; it went on and printed:" "$(head -3 "$BODY")"

    local below=$((PAGE / 8 - 1)) above
    above=$((PAGE / 8 + $(rand_between 0 $((PAGE / 8 - 1)))))
    printf 'freeze-at %s\nset %s 11\nget %s\nset %s 12\n' "$PAGE" "$below" "$below" "$above" \
        >"$BATS_TEST_TMPDIR/script"
    run_arena --fault-info 100 1
    assert_killed_by SIGSEGV SEGV_ACCERR
    [[ $(<"$BODY") == 11 ]] ||
        lab_fail "after 'freeze-at $PAGE' the first page of the table must stay writable: 'get $below' should print 11"
    ((SB_FAULT_ADDR == TABLE + 8 * above)) ||
        lab_fail "'set $above 12' should fault in the frozen second page, at table + $((8 * above)); $(fault_words)"
}

@test "[3] the tracer shows mprotect PROT_NONE on each page-aligned guard and PROT_READ on the whole table" {
    local b count i line addr len
    b=$((PAGE * $(rand_between 0 2) + $(rand_between 1 PAGE-1)))
    rand_set count 2 5
    printf 'write 0 0 1 1\nfreeze\nget 0\n' >"$BATS_TEST_TMPDIR/script"
    run_arena "$b" "$count"
    assert_exit 0
    for ((i = 0; i < count; i++)); do
        addr=$(printf '0x%x' $((BUF[i] + b)))
        line=$(trace_select mprotect "addr=$addr" prot=NONE ret=0 | head -1)
        [[ -n $line ]] ||
            lab_fail "expected mprotect(buffer $i + $b = $addr, ..., PROT_NONE) for the guard of buffer $i; the tracer saw:" \
                "$(trace_select mprotect | head -8)"
        trace_get len "$line" len
        ((len == PAGE)) ||
            lab_fail "the guard of buffer $i is one page: mprotect(guard, $PAGE, PROT_NONE); it was given $len bytes" "$line"
    done
    addr=$(printf '0x%x' "$TABLE")
    line=$(trace_select mprotect "addr=$addr" prot=READ ret=0 | head -1)
    [[ -n $line ]] ||
        lab_fail "expected mprotect(table = $addr, ..., PROT_READ) for freeze; the tracer saw:" \
            "$(trace_select mprotect | head -8)"
    trace_get len "$line" len
    ((len > 8 * ENTRIES - PAGE && len <= 8 * ENTRIES)) ||
        lab_fail "freeze must cover the whole $((8 * ENTRIES))-byte table; mprotect was given $len bytes" "$line"
}

@test "[3] with 16 KiB pages from sysconf, slots and guards follow the reported page size" {
    local big=16384 b count i
    ((big % PAGE == 0)) || skip "the real page size $PAGE does not divide 16 KiB"
    b=$((big * $(rand_between 0 1) + $(rand_between 1 big-1)))
    ((b % PAGE)) || b=$((b + 1))
    rand_set count 2 3
    i=$(rand_between 0 $((count - 1)))
    printf 'write %s %s 1 3\nread %s %s 1\nwrite %s %s 1 4\n' "$i" $((b - 1)) "$i" $((b - 1)) "$i" "$b" \
        >"$BATS_TEST_TMPDIR/script"
    run_arena --fault-info --page "$big" "$b" "$count"
    assert_killed_by SIGSEGV SEGV_ACCERR
    check_layout "$b" "$big"
    [[ $(<"$BODY") == 03 ]] || lab_fail "the last byte of buffer $i must be usable: 'read $i $((b - 1)) 1' should print 03"
    ((SB_FAULT_ADDR == BUF[i] + b)) ||
        lab_fail "writing byte $b of buffer $i should fault at its first byte past the end; $(fault_words)"
    local line
    line=$(trace_select mprotect "addr=$(printf '0x%x' $((BUF[i] + b)))" prot=NONE ret=0 | head -1)
    [[ -n $line && $(trace_field "$line" len) == "$big" ]] ||
        lab_fail "with sysconf(_SC_PAGESIZE) = $big the guard of buffer $i must be one $big-byte page; the tracer saw:" \
            "${line:-(no mprotect PROT_NONE at the end of buffer $i)}"
}

@test "[0] bad arguments and bad script lines exit 2" {
    : >"$BATS_TEST_TMPDIR/script"
    run_lab --stdin "$BATS_TEST_TMPDIR/script" arena
    assert_exit 2
    run_lab --stdin "$BATS_TEST_TMPDIR/script" arena 0 1
    assert_exit 2
    local line
    for line in "frobnicate" "write 2 0 1 1" "read 0 11 1"; do
        echo "$line" >"$BATS_TEST_TMPDIR/script"
        run_lab --stdin "$BATS_TEST_TMPDIR/script" arena 10 2
        assert_not_killed
        assert_exit 2
    done
}
