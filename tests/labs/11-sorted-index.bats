#!/usr/bin/env bats
# Lab 11: a sorted index searched through a read-only mapping and replaced
# atomically with rename().
# Points are in the test names: "[N] ..." (0: checked, not graded).
#
# Reference results come from the test itself: awk (last value of each key)
# and `LC_ALL=C sort` for the answers, and a byte-for-byte reference index
# written from bash (header checksum included) for the file layout and for
# the damaged indexes. Concurrency is checked without sleeps: a lookup reads
# its keys from a FIFO and answers into another, so the test asks one key,
# waits for the answer, changes the index, and asks the next.

load ../lib/lab

setup_file() {
    lab_setup_file 11
    # The shared call tracer does not log rename() or fsync(). This test
    # builds an extended copy: the same tracer source plus a few wrappers,
    # logging in the same format to the same file, and points the helpers
    # at it (the sandbox is the shared one).
    local t="$BATS_FILE_TMPDIR/tools11"
    mkdir -p "$t"
    fs_tracer_source >"$t/calltrace11.c"
    cc -std=c11 -Wall -Wextra -Werror -O1 -g -fPIC -shared -fvisibility=hidden \
        "$t/calltrace11.c" -o "$t/calltrace.so" -ldl || {
        echo "cannot build the extended call tracer" >&2
        return 1
    }
    ln -sf "$MMAPLAB_TOOLS/sandbox" "$t/sandbox"
    export MMAPLAB_TOOLS=$t
}

setup() {
    lab_setup
    MAGIC="53 4f 52 54 49 44 58 00" # "SORTIDX\0"
    STOP_FILE=""
    WRITER_PID=""
    SPAWNED=()
}

teardown() {
    # Closing our ends of the FIFOs gives every helper process end-of-file,
    # so each one finishes; then wait for exactly the processes we started.
    exec 5>&- 6<&- 7>&- 8<&-
    [[ -n ${STOP_FILE:-} ]] && touch "$STOP_FILE"
    local p
    for p in ${WRITER_PID:-} "${SPAWNED[@]}"; do
        wait "$p" 2>/dev/null || true
    done
}

# ---------------------------------------------------------------- helpers

# The extended tracer: calltrace.c plus rename/renameat/renameat2 (paths
# made absolute, not resolved) and fsync/fdatasync (with the path behind the
# descriptor).
fs_tracer_source() {
    cat <<EOF
#include "$MMAPLAB_ROOT/tests/lib/calltrace.c"
EOF
    cat <<'EOF'
#include <limits.h>

/* DIRFD's path (or the working directory) joined with a relative PATH. */
static void put_abs(struct line *l, const char *key, int dirfd, const char *path)
{
    char base[PATH_MAX], full[2 * PATH_MAX + 2];
    if (path == NULL) path = "(null)";
    if (path[0] == '/') { put_escaped(l, key, path); return; }
    base[0] = '\0';
    if (dirfd == AT_FDCWD) {
        if (syscall(SYS_getcwd, base, sizeof base) < 0) base[0] = '\0';
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        long n = syscall(SYS_readlinkat, AT_FDCWD, link, base, sizeof base - 1);
        base[n > 0 ? n : 0] = '\0';
    }
    snprintf(full, sizeof full, "%s/%s", base, path);
    put_escaped(l, key, full);
}

static void log_rename(const char *name, int od, const char *o, int nd, const char *n, int r, int e)
{
    struct line l;
    begin(&l, name);
    put_abs(&l, "old", od, o);
    put_abs(&l, "new", nd, n);
    put(&l, " ret=%d", r);
    finish(&l, r != 0, e);
    errno = e;
}

EXPORT int rename(const char *o, const char *n)
{
    REAL(int, rename, const char *, const char *);
    int r = real(o, n);
    log_rename("rename", AT_FDCWD, o, AT_FDCWD, n, r, errno);
    return r;
}

EXPORT int renameat(int od, const char *o, int nd, const char *n)
{
    REAL(int, renameat, int, const char *, int, const char *);
    int r = real(od, o, nd, n);
    log_rename("rename", od, o, nd, n, r, errno);
    return r;
}

EXPORT int renameat2(int od, const char *o, int nd, const char *n, unsigned flags)
{
    REAL(int, renameat2, int, const char *, int, const char *, unsigned);
    int r = real(od, o, nd, n, flags);
    log_rename("rename", od, o, nd, n, r, errno);
    return r;
}

static int log_sync(const char *name, int fd, int r, int e)
{
    struct line l;
    begin(&l, name);
    put(&l, " fd=%d", fd);
    put_fd_path(&l, fd);
    put(&l, " ret=%d", r);
    finish(&l, r != 0, e);
    errno = e;
    return r;
}

EXPORT int fsync(int fd)
{
    REAL(int, fsync, int);
    int r = real(fd);
    return log_sync("fsync", fd, r, errno);
}

EXPORT int fdatasync(int fd)
{
    REAL(int, fdatasync, int);
    int r = real(fd);
    return log_sync("fdatasync", fd, r, errno);
}
EOF
}

# gen_keys N FILE: N distinct random keys of 1 to 31 bytes, some of them
# prefixes or extensions of others, in random order.
gen_keys() {
    local seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v want="$1" -v seed="$seed" 'BEGIN {
        srand(seed)
        chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-/@+,#%"
        nc = length(chars)
        while (n < want) {
            r = rand()
            if (n > 0 && r < 0.1) {
                # a neighbour of an existing key: cut short or extended
                k = keys[1 + int(rand() * n)]
                if (length(k) > 1 && rand() < 0.5) k = substr(k, 1, length(k) - 1)
                else if (length(k) < 31) k = k substr(chars, 1 + int(rand() * nc), 1)
            } else {
                r = rand()
                len = r < 0.25 ? 1 + int(rand() * 4) : r < 0.9 ? 5 + int(rand() * 12) : 17 + int(rand() * 15)
                k = ""
                for (i = 0; i < len; i++) k = k substr(chars, 1 + int(rand() * nc), 1)
            }
            if (k in seen) continue
            seen[k] = 1
            keys[++n] = k
            print k
        }
    }' >"$2"
}

# gen_data KEYS OUT [DUP_FRACTION]: "KEY VALUE" lines for every key, plus a
# second (and third) line with another value for a fraction of the keys, all
# shuffled; blanks between fields vary, and there are a few blank lines.
# Values are random 64-bit integers of every length, with both extremes.
gen_data() {
    local seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v seed="$seed" -v dup="${3:-0}" '
        function rv(   r, d, s, i) {
            r = rand()
            if (r < 0.01) return "9223372036854775807"
            if (r < 0.02) return "-9223372036854775808"
            if (r < 0.04) return "0"
            d = 1 + int(rand() * 18)
            s = substr("123456789", 1 + int(rand() * 9), 1)
            for (i = 1; i < d; i++) s = s substr("0123456789", 1 + int(rand() * 10), 1)
            return rand() < 0.3 ? "-" s : s
        }
        function sep(   r) { r = rand(); return r < 0.8 ? " " : r < 0.9 ? "\t" : "  \t " }
        function line(k,   r) {
            r = rand()
            if (r < 0.05) return " " k sep() rv() "  "
            return k sep() rv()
        }
        BEGIN { srand(seed) }
        {
            printf "%.9f\t%s\n", rand(), line($0)
            while (rand() < dup) printf "%.9f\t%s\n", rand(), line($0)
            if (rand() < 0.01) printf "%.9f\t\n", rand()
        }' "$1" | LC_ALL=C sort -k1,1 | cut -f2- >"$2"
}

# gen_other DATA OUT: the same lines with a different value for every key.
gen_other() {
    local seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v seed="$seed" 'BEGIN { srand(seed) }
        NF == 2 {
            do v = int(rand() * 2000000000) - 1000000000; while (v "" == $2)
            print $1, v
        }' "$1" >"$2"
}

# last_values DATA: "KEY VALUE" per distinct key, the last value given for
# it, in bytewise key order (the order of the index).
last_values() {
    LC_ALL=C awk 'NF == 2 { v[$1] = $2 } END { for (k in v) print k, v[k] }' "$1" |
        LC_ALL=C sort -k1,1
}

# ref_answers DATA QUERIES: the expected lookup output, one line per query.
ref_answers() {
    LC_ALL=C awk 'NR == FNR { if (NF == 2) v[$1] = $2; next }
        { print (($0 in v) ? $0 " " v[$0] : $0 " not found") }' "$1" "$2"
}

# le_hex VAR BYTES VALUE: set VAR to a 64-bit integer as BYTES little-endian
# hex pairs. (Helpers here set variables rather than print: no subshells.)
le_hex() {
    local h i out=""
    printf -v h '%016x' "$3"
    for ((i = 0; i < $2; i++)); do out+="${out:+ }${h:14-2*i:2}"; done
    printf -v "$1" '%s' "$out"
}

# fnv1a64 VAR HEXBYTE...: FNV-1a 64 of the bytes, as 8 little-endian hex
# pairs. (bash arithmetic wraps at 64 bits, like uint64_t.)
fnv1a64() {
    local var=$1 h=$((0xcbf29ce484222325)) b
    shift
    for b in "$@"; do h=$(((h ^ 0x$b) * 0x100000001b3)); done
    le_hex "$var" 8 "$h"
}

# header_bytes MAGICHEX VERSION RECSIZE COUNT [CHECKHEX]: a 64-byte header,
# with the correct checksum of its first 24 bytes unless one is given.
header_bytes() {
    local v r c check fmt="" b
    le_hex v 4 "$2"
    le_hex r 4 "$3"
    le_hex c 8 "$4"
    # shellcheck disable=SC2086
    fnv1a64 check $1 $v $r $c
    check=${5:-$check}
    for b in $1 $v $r $c $check; do fmt+="\\x$b"; done
    for ((b = 0; b < 32; b++)); do fmt+="\\x00"; done
    printf '%b' "$fmt"
}

# record_bytes: "KEY VALUE" lines on stdin -> 40-byte records on stdout:
# the key, '\0' bytes up to 32, the value as a little-endian int64. awk's
# numbers are doubles, so the value is converted digit string by digit
# string (division by 256), exact over the whole 64-bit range.
record_bytes() {
    LC_ALL=C awk '
        function le64(s,   neg, i, j, n, q, r, d, qd, b, carry) {
            neg = substr(s, 1, 1) == "-"
            if (neg) s = substr(s, 2)
            for (i = 0; i < 8; i++) {
                q = ""; r = 0; n = length(s)
                for (j = 1; j <= n; j++) {
                    d = r * 10 + substr(s, j, 1)
                    qd = int(d / 256); r = d - qd * 256
                    if (q != "" || qd > 0) q = q qd
                }
                by[i] = r
                s = q == "" ? "0" : q
            }
            if (neg) { # two complement: invert and add one
                carry = 1
                for (i = 0; i < 8; i++) { b = 255 - by[i] + carry; carry = b > 255; by[i] = b % 256 }
            }
            for (i = 0; i < 8; i++) printf "%c", by[i]
        }
        { printf "%s", $1; for (i = length($1); i < 32; i++) printf "%c", 0; le64($2) }'
}

# ref_index DATA OUT: the index sidx build must write for DATA.
ref_index() {
    last_values "$1" >"$2.sorted"
    local n
    n=$(wc -l <"$2.sorted")
    { header_bytes "$MAGIC" 1 40 "$n"; record_bytes <"$2.sorted"; } >"$2"
    rm -f "$2.sorted"
}

# header_words FILE: the header fields of an index, for failure messages.
header_words() {
    local f=$1 size
    size=$(stat -c %s "$f")
    ((size >= 64)) || { echo "($size bytes, shorter than a header)"; return; }
    printf 'size %s, magic "%s", version %s, record size %s, count %s, check %s\n' "$size" \
        "$(head -c 8 "$f" | tr -c '[:print:]' '.')" \
        "$(od -An -tu4 -j8 -N4 "$f" | tr -d ' ')" "$(od -An -tu4 -j12 -N4 "$f" | tr -d ' ')" \
        "$(od -An -tu8 -j16 -N8 "$f" | tr -d ' ')" "$(od -An -tx1 -j24 -N8 "$f" | tr -d ' ')"
}

# assert_answers WANT: stdout must equal the expected answers, line by line.
assert_answers() {
    if ! cmp -s "$LAB_STDOUT" "$1"; then
        lab_fail "the answers differ from the reference (awk over the input, last value wins):" \
            "$(diff "$1" "$LAB_STDOUT" | grep '^[<>]' | head -8 | sed 's/^</  expected:/; s/^>/  yours:   /')"
    fi
}

# pick N FILE: N random lines of FILE (repeats possible).
pick() {
    local seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v n="$1" -v seed="$seed" '{ l[NR] = $0 } END {
        srand(seed); for (i = 0; i < n; i++) print l[1 + int(rand() * NR)] }' "$2"
}

# absent_keys N DATA: N random keys that DATA does not contain.
absent_keys() {
    local seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v n="$1" -v seed="$seed" '{ have[$1] = 1 } END {
        srand(seed)
        chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        while (c < n) {
            k = ""; len = 1 + int(rand() * 20)
            for (i = 0; i < len; i++) k = k substr(chars, 1 + int(rand() * 62), 1)
            if (!(k in have)) { print k; have[k] = 1; c++ }
        } }' "$2"
}

# spawn_lab NAME [--fault-info] [--stdin F] [--stdout F] PROGRAM ARG...: run
# a lab program in the sandbox in the background (stdout/stderr/report in
# $BATS_TEST_TMPDIR/NAME.*). The sandbox time limit ends it in any case.
spawn_lab() {
    local name=$1 stdin=/dev/null stdout="$BATS_TEST_TMPDIR/$1.stdout" opts=()
    shift
    while [[ $1 == --* ]]; do
        case $1 in
        --fault-info) opts+=(--fault-info); shift ;;
        --stdin) stdin=$2; shift 2 ;;
        --stdout) stdout=$2; shift 2 ;;
        *) echo "spawn_lab: unknown option $1" >&2; return 2 ;;
        esac
    done
    local prog=$1
    shift
    local asan="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1"
    [[ ${#opts[@]} -gt 0 ]] && asan+=":detect_leaks=0"
    # Assignments before the command, not env(1), which would take a path
    # holding '=' for one more assignment.
    lab_preload "$MMAPLAB_TOOLS/calltrace.so"
    MMAPLAB_TRACE="$TRACE" LD_PRELOAD=$LAB_PRELOAD LD_LIBRARY_PATH=$LAB_PRELOAD_PATH \
        ASAN_OPTIONS="$asan" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        timeout -s KILL 90 "$MMAPLAB_TOOLS/sandbox" "${opts[@]}" --timeout 60 --dir "$WORK" --stdin "$stdin" \
        --stdout "$stdout" --stderr "$BATS_TEST_TMPDIR/$name.stderr" \
        --report "$BATS_TEST_TMPDIR/$name.report" -- "$LAB_BIN/$prog" "$@" \
        3>&- 5>&- 6<&- 7>&- 8<&- </dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/$name.sandbox" &
    SPAWNED+=($!)
    printf -v "SPAWN_$name" '%s' "$!"
    printf -v "SPAWN_CMD_$name" '%s' "$prog $*"
}

# wait_lab NAME: wait for a spawned run; then status, SB_*, LAB_STDOUT and
# LAB_STDERR describe it, as after run_lab.
wait_lab() {
    local pid_var="SPAWN_$1" cmd_var="SPAWN_CMD_$1"
    wait "${!pid_var}" || true
    sandbox_read_report "$BATS_TEST_TMPDIR/$1.report"
    status=$SB_EXIT
    LAST_CMD=${!cmd_var}
    LAB_STDOUT="$BATS_TEST_TMPDIR/$1.stdout"
    LAB_STDERR="$BATS_TEST_TMPDIR/$1.stderr"
    sanitizer_check
}

# start_reader INDEX [--fault-info]: `sidx lookup INDEX` in the background,
# keys written to fd 7, answers read from fd 8.
start_reader() {
    local in="$BATS_TEST_TMPDIR/reader.in" out="$BATS_TEST_TMPDIR/reader.out"
    mkfifo "$in" "$out"
    spawn_lab reader "${@:2}" --stdin "$in" --stdout "$out" sidx lookup "$1"
    exec 8<"$out" # returns when the sandbox has opened its end
    exec 7>"$in"  # returns when the program's standard input is open
}

# ask KEY: send one key to the reader; the answer line lands in ANSWER.
# False when no answer comes (the reader ended).
ask() {
    # A dead reader makes the write fail (EPIPE, not SIGPIPE): the read
    # below then reports it.
    (trap '' PIPE; printf '%s\n' "$1" >&7) 2>/dev/null || true
    ANSWER=""
    IFS= read -r -t 30 -u 8 ANSWER
}

# expect_answer KEY WANT WHY: ask KEY; the answer must be WANT.
expect_answer() {
    if ! ask "$1"; then
        exec 7>&-
        wait_lab reader
        lab_fail "the running lookup gave no answer for key $1 ($3); $(ending_words)" \
            "(keys come one per line on standard input: answer each one, and flush, before reading the next)"
    fi
    if [[ $ANSWER != "$2" ]]; then
        # shellcheck disable=SC2034 # read by lab_fail
        LAST_CMD="sidx lookup (running, keys on stdin)" LAB_STDERR="$BATS_TEST_TMPDIR/reader.stderr"
        lab_fail "the running lookup answered \"$ANSWER\" for key $1; expected \"$2\" ($3)"
    fi
}

# value_of KEY DATA: the last value of KEY in DATA. Compared as strings:
# awk compares two numeric-looking fields as numbers, and "0." == "0".
value_of() {
    KEY=$1 LC_ALL=C awk 'NF == 2 && $1 "" == ENVIRON["KEY"] { v = $2 } END { print v }' "$2"
}

# mid_free_keys N INDEX_SORTED_KEYS: N keys of the sorted list that are not
# among the middle three records (where a search starts).
mid_free_keys() {
    local seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v n="$1" -v seed="$seed" '{ k[NR] = $1 } END {
        srand(seed); m = int(NR / 2)
        while (c < n) { i = 1 + int(rand() * NR); if (i < m - 1 || i > m + 2) { print k[i]; c++ } } }' "$2"
}

# ---------------------------------------------------------------- tests

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] random keys, found and not found, match a reference from awk, as arguments and on stdin" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 1500 4000)" "$d/keys"
    gen_data "$d/keys" "$d/data" 0.1
    last_values "$d/data" >"$d/sorted"
    {
        pick 25 "$d/keys"
        absent_keys 10 "$d/data"
        head -1 "$d/sorted" | cut -d' ' -f1 # the smallest key
        tail -1 "$d/sorted" | cut -d' ' -f1 # the largest key
        echo '!'                            # below every key
        echo '~~~~'                         # above every key
        # a key that is a prefix of a present key, and one that extends it
        pick 3 "$d/keys" | awk 'length($0) > 1 { print substr($0, 1, length($0) - 1) } { print $0 "Q" }'
        echo "0123456789012345678901234567890"  # 31 bytes
        echo "01234567890123456789012345678901" # 32 bytes: too long to be stored
    } >"$d/queries"
    ref_answers "$d/data" "$d/queries" >"$d/want"

    run_lab --timeout 30 --stdin "$d/data" sidx build idx
    assert_not_killed
    assert_exit 0
    [[ -f $WORK/idx ]] || lab_fail "sidx build idx exited 0 but idx does not exist"

    local q=()
    mapfile -t q <"$d/queries"
    run_lab sidx lookup idx "${q[@]}"
    assert_not_killed
    assert_exit 0
    assert_answers "$d/want"

    # The same keys, one per line on standard input (and a few more).
    pick 40 "$d/keys" >>"$d/queries"
    absent_keys 10 "$d/data" >>"$d/queries"
    ref_answers "$d/data" "$d/queries" >"$d/want"
    run_lab --stdin "$d/queries" sidx lookup idx
    assert_not_killed
    assert_exit 0
    assert_answers "$d/want"
}

@test "[3] the index file has the documented layout, byte for byte (duplicates: the last value wins)" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 300 2000)" "$d/keys"
    gen_data "$d/keys" "$d/data" 0.2
    ref_index "$d/data" "$d/ref"
    run_lab --timeout 30 --stdin "$d/data" sidx build idx
    assert_not_killed
    assert_exit 0
    if ! cmp -s "$WORK/idx" "$d/ref"; then
        [[ -f $WORK/idx ]] || lab_fail "sidx build idx exited 0 but idx does not exist"
        lab_fail "idx differs from the reference index: $(cmp "$WORK/idx" "$d/ref" 2>&1 | head -1)" \
            "yours:     $(header_words "$WORK/idx")" "reference: $(header_words "$d/ref")" \
            "(header: magic, version 1, record size 40, count, FNV-1a of bytes 0-23, 32 zero bytes;" \
            " then 40-byte records: key padded with '\\0' to 32 bytes, int64 value; sorted, one per key)"
    fi

    # No input at all: a valid index with no records, just the header.
    run_lab --stdin /dev/null sidx build empty.idx
    assert_not_killed
    assert_exit 0
    : >"$d/none"
    ref_index "$d/none" "$d/ref0"
    cmp -s "$WORK/empty.idx" "$d/ref0" ||
        lab_fail "an empty input must give a 64-byte index with count 0" \
            "yours:     $(header_words "$WORK/empty.idx" 2>&1)" "reference: $(header_words "$d/ref0")"
    run_lab sidx lookup empty.idx some key
    assert_exit 0
    printf 'some not found\nkey not found\n' >"$d/want0"
    assert_answers "$d/want0"
}

@test "[3] damaged indexes are refused with exit status 3 and a clear message, never a crash or an answer" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 400 900)" "$d/keys"
    gen_data "$d/keys" "$d/data"
    last_values "$d/data" >"$d/sorted"
    local n
    n=$(wc -l <"$d/sorted")
    record_bytes <"$d/sorted" >"$d/records"
    ref_index "$d/data" "$d/good"
    local keys=()
    mapfile -t keys < <(mid_free_keys 3 "$d/sorted"; absent_keys 1 "$d/data")

    # Each damaged file breaks exactly one rule (the header checksum is right
    # unless the checksum is the point), so the order of the checks is free.
    : >"$WORK/empty.idx"
    { header_bytes "53 4f 52 54 49 44 59 00" 1 40 "$n"; cat "$d/records"; } >"$WORK/magic.idx"
    { header_bytes "$MAGIC" 2 40 "$n"; cat "$d/records"; } >"$WORK/version.idx"
    { header_bytes "$MAGIC" 1 40 "$n" "de ad be ef 01 02 03 04"; cat "$d/records"; } >"$WORK/check.idx"
    head -c $(($(stat -c %s "$d/good") - 20)) "$d/good" >"$WORK/truncated.idx"
    { header_bytes "$MAGIC" 1 40 $((n + 1000)); cat "$d/records"; } >"$WORK/count.idx"
    # count + 2^61: count * 40 wraps around to exactly the real size.
    { header_bytes "$MAGIC" 1 40 $((n + (1 << 61))); cat "$d/records"; } >"$WORK/wrap.idx"
    { header_bytes "$MAGIC" 1 40 "$n"; LC_ALL=C sort -r -k1,1 "$d/sorted" | record_bytes; } >"$WORK/reversed.idx"

    local f why
    for f in empty:"too short" magic:"bad magic" version:"version" check:"checksum" \
        truncated:"record count" count:"record count" wrap:"record count" reversed:"out of order"; do
        why=${f#*:}
        f=${f%%:*}.idx
        run_lab sidx lookup "$f" "${keys[@]}"
        if [[ $SB_HOW != exited || $SB_EXIT != 3 ]]; then
            lab_fail "expected exit status 3 for $f ($(header_words "$WORK/$f")); $(ending_words)"
        fi
        assert_stderr_has "corrupt index" "the message for $f"
        assert_stderr_has "$why" "the reason for $f"
        if [[ -s $LAB_STDOUT ]]; then
            lab_fail "nothing may be answered from $f, which is damaged ($why); stdout was:" \
                "$(head -5 "$LAB_STDOUT")"
        fi
    done
}

@test "[3] build writes a temporary file beside INDEX, fsyncs it, renames it over INDEX, then fsyncs the directory" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 200 1500)" "$d/keys"
    gen_data "$d/keys" "$d/one" 0.05
    gen_other "$d/one" "$d/two"
    ref_index "$d/two" "$d/ref"
    mkdir "$WORK/sub"
    run_lab --timeout 30 --stdin "$d/one" sidx build sub/idx
    assert_exit 0
    [[ -f $WORK/sub/idx ]] || lab_fail "sidx build sub/idx exited 0 but sub/idx does not exist"
    local ino1 ino2
    ino1=$(stat -c %i "$WORK/sub/idx")

    : >"$TRACE"
    run_lab --timeout 30 --stdin "$d/two" sidx build sub/idx
    assert_not_killed
    assert_exit 0
    assert_file_is "$WORK/sub/idx" "$d/ref" "the rebuilt sub/idx"
    ino2=$(stat -c %i "$WORK/sub/idx")
    [[ $ino1 != "$ino2" ]] ||
        lab_fail "sub/idx kept its inode ($ino1): it was rewritten in place, so a reader that has it mapped sees it change (or dies of SIGBUS)" \
            "build a new file under another name and rename() it over sub/idx"
    local left
    left=$(ls -A "$WORK/sub")
    [[ $left == idx ]] || lab_fail "sub/ should hold only idx after the build; it holds:" "$left"

    local dir index ren old sync dsync
    dir=$(trace_path "$WORK/sub")
    index=$(trace_path "$WORK/sub/idx")
    ren=$(trace_select rename "new=$index" ret=0 | head -1)
    if [[ -z $ren ]]; then
        lab_fail "expected a successful rename(TEMP, \"sub/idx\"); the tracer saw none" \
            "renames: $(trace_select rename)" "calls about sub/: $(grep -F "$dir" "$TRACE" | head -8)"
    fi
    trace_unescape old "$(trace_field "$ren" old)"
    old=$(trace_path "$old")
    [[ $(dirname "$old") == "$dir" ]] ||
        lab_fail "the temporary file must be in INDEX's directory ($dir), so that rename() stays in one directory and filesystem; it was $old" "$ren"
    sync=$(TRACE_P="path=$old" awk 'BEGIN { p = ENVIRON["TRACE_P"] } ($2 == "fsync" || $2 == "fdatasync") && / ret=0/ {
            for (j = 3; j <= NF; j++) if ($j == p) { print; exit } }' "$TRACE")
    [[ -n $sync ]] ||
        lab_fail "expected fsync (or fdatasync) of the temporary file $(basename "$old") before the rename; the tracer saw:" \
            "$(trace_select fsync; trace_select fdatasync)"
    (($(trace_order "$sync") < $(trace_order "$ren"))) ||
        lab_fail "the temporary file must be synced BEFORE the rename: data first, then the name" "$sync" "$ren"
    dsync=$(TRACE_P="path=$dir" awk 'BEGIN { p = ENVIRON["TRACE_P"] } ($2 == "fsync" || $2 == "fdatasync") && / ret=0/ {
            for (j = 3; j <= NF; j++) if ($j == p) print }' "$TRACE" | tail -1)
    [[ -n $dsync ]] ||
        lab_fail "expected fsync of the directory $dir (the one holding INDEX) after the rename; the tracer saw:" \
            "$(trace_select fsync; trace_select fdatasync)"
    (($(trace_order "$dsync") > $(trace_order "$ren"))) ||
        lab_fail "the directory must be synced AFTER the rename, which is the change to make durable" "$ren" "$dsync"
    local bad
    bad=$(TRACE_P="path=$index" awk 'BEGIN { p = ENVIRON["TRACE_P"] } $2 == "open" && / flags=(WRONLY|RDWR)/ {
            for (j = 3; j <= NF; j++) if ($j == p) { print; break } }' "$TRACE" | head -3)
    [[ -z $bad ]] || lab_fail "sidx build must never open INDEX itself for writing; the tracer saw:" "$bad"
}

@test "[2] lookup maps INDEX once, PROT_READ and MAP_PRIVATE, advises MADV_RANDOM, unmaps it, never read()s it" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 1000 3000)" "$d/keys"
    gen_data "$d/keys" "$d/data"
    ref_index "$d/data" "$WORK/idx"
    local size
    size=$(stat -c %s "$WORK/idx")
    { pick 15 "$d/keys"; absent_keys 5 "$d/data"; } >"$d/queries"
    ref_answers "$d/data" "$d/queries" >"$d/want"

    local mode q=()
    mapfile -t q <"$d/queries"
    for mode in arguments stdin; do
        : >"$TRACE"
        if [[ $mode == arguments ]]; then
            run_lab sidx lookup idx "${q[@]}"
        else
            run_lab --stdin "$d/queries" sidx lookup idx
        fi
        assert_not_killed
        assert_exit 0
        assert_answers "$d/want"
        local maps adv
        maps=$(trace_mmaps_of "$WORK/idx")
        [[ $(grep -c . <<<"$maps") == 1 ]] ||
            lab_fail "expected exactly one mmap of idx for 20 keys ($mode); the tracer saw:" "${maps:-(none)}"
        [[ $(trace_field "$maps" prot) == READ ]] ||
            lab_fail "the mapping of idx must be PROT_READ only: a reader has no business writing it" "$maps"
        [[ $(trace_field "$maps" flags) == PRIVATE ]] ||
            lab_fail "the mapping of idx should be MAP_PRIVATE" "$maps"
        (($(trace_field "$maps" len) >= size)) ||
            lab_fail "the mapping must cover the whole index ($size bytes)" "$maps"
        adv=$(trace_select madvise "addr=$(trace_field "$maps" ret)" advice=RANDOM ret=0 | head -1)
        [[ -n $adv ]] ||
            lab_fail "expected madvise(MADV_RANDOM) on the mapping at $(trace_field "$maps" ret); the tracer saw:" \
                "$(trace_select madvise | head -5)"
        (($(trace_field "$adv" len) >= size)) ||
            lab_fail "MADV_RANDOM should cover the whole mapping ($size bytes)" "$adv"
        (($(trace_order "$maps") < $(trace_order "$adv"))) || lab_fail "madvise must follow mmap" "$maps" "$adv"
        assert_munmapped "$maps"
        assert_no_read_of "$WORK/idx"
    done
}

@test "[2] a running lookup keeps answering from the index it mapped while sidx build replaces it" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 1000 3000)" "$d/keys"
    gen_data "$d/keys" "$d/A"
    gen_other "$d/A" "$d/B"
    local k1 k2 k3
    { read -r k1 && read -r k2 && read -r k3; } < <(pick 3 "$d/keys")
    run_lab --timeout 30 --stdin "$d/A" sidx build idx
    assert_exit 0

    start_reader idx
    expect_answer "$k1" "$k1 $(value_of "$k1" "$d/A")" "idx holds data set A"
    run_lab --timeout 30 --stdin "$d/B" sidx build idx
    assert_not_killed
    assert_exit 0
    expect_answer "$k2" "$k2 $(value_of "$k2" "$d/A")" \
        "the lookup mapped A before the build; after a rename() its mapping still shows A, while a rewrite in place would show B or raise SIGBUS"
    expect_answer "$k1" "$k1 $(value_of "$k1" "$d/A")" "still the old mapping"
    exec 7>&-
    exec 8<&-
    wait_lab reader
    assert_not_killed
    assert_exit 0

    run_lab sidx lookup idx "$k1" "$k3"
    assert_exit 0
    printf '%s %s\n%s %s\n' "$k1" "$(value_of "$k1" "$d/B")" "$k3" "$(value_of "$k3" "$d/B")" >"$d/want"
    assert_answers "$d/want"
}

@test "[3] while builds replace the index again and again, every lookup answers wholly from A or wholly from B" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 2000 4000)" "$d/keys"
    gen_data "$d/keys" "$d/A"
    gen_other "$d/A" "$d/B"
    { pick 16 "$d/keys"; absent_keys 4 "$d/A"; } >"$d/queries"
    ref_answers "$d/A" "$d/queries" >"$d/wantA"
    ref_answers "$d/B" "$d/queries" >"$d/wantB"
    local q=()
    mapfile -t q <"$d/queries"
    run_lab --timeout 30 --stdin "$d/A" sidx build idx
    assert_exit 0

    # The writer: builds from B, A, B, A... until told to stop. Test code,
    # running the student's build in the sandbox, untraced (speed).
    STOP_FILE="$d/stop"
    echo 0 >"$d/builds"
    (
        set +eE
        trap - ERR EXIT
        local i=0 f
        local asan="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1"
        while [[ ! -e $STOP_FILE ]]; do
            if ((i % 2 == 0)); then f=B; else f=A; fi
            ASAN_OPTIONS="$asan" timeout -s KILL 90 "$MMAPLAB_TOOLS/sandbox" --timeout 60 --dir "$WORK" \
                --stdin "$d/$f" --stderr "$d/w.stderr" --report "$d/w.report" -- "$LAB_BIN/sidx" build idx
            if ! grep -qx 'exit=0' "$d/w.report" || grep -qE 'ERROR: |runtime error:' "$d/w.stderr"; then
                { echo "build $i (from $f) failed:"; cat "$d/w.report" "$d/w.stderr"; } >"$d/w.failed"
                break
            fi
            i=$((i + 1))
            echo "$i" >"$d/builds.new" && mv "$d/builds.new" "$d/builds"
        done
    ) 3>&- </dev/null >/dev/null 2>&1 &
    WRITER_PID=$!

    # The readers: at least 20 lookups, and on until the writer has done at
    # least 8 builds (bounded, in case the writer is stuck). Each one is a
    # lean sandboxed run, untraced, checked with shell builtins only: the
    # more lookups per second, the more of them overlap a rename.
    local reads=0 builds=0 got wantA wantB
    IFS= read -r -d '' wantA <"$d/wantA" || true
    IFS= read -r -d '' wantB <"$d/wantB" || true
    while ((reads < 20 || builds < 8)); do
        ((reads < 400)) || lab_fail "the writer finished only $builds builds during 400 lookups"
        [[ ! -e $d/w.failed ]] || lab_fail "a build failed while lookups ran:" "$(head -c 1500 "$d/w.failed")"
        ASAN_OPTIONS="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1" \
            "$MMAPLAB_TOOLS/sandbox" --timeout 30 --dir "$WORK" --stdout "$d/r.stdout" \
            --stderr "$d/r.stderr" --report "$d/r.report" -- "$LAB_BIN/sidx" lookup idx "${q[@]}" 3>&-
        sandbox_read_report "$d/r.report"
        # For sanitizer_check and lab_fail, as after run_lab.
        # shellcheck disable=SC2034
        LAB_STDOUT="$d/r.stdout" LAB_STDERR="$d/r.stderr" LAST_CMD="sidx lookup idx ${q[*]}"
        [[ ! -s $d/r.stderr ]] || sanitizer_check
        assert_not_killed
        assert_exit 0
        got=""
        IFS= read -r -d '' got <"$d/r.stdout" || true
        if [[ $got != "$wantA" && $got != "$wantB" ]]; then
            lab_fail "lookup $reads (after $builds builds) gave answers that are neither all from A nor all from B:" \
                "$(paste -d'|' "$LAB_STDOUT" "$d/wantA" "$d/wantB" | awk -F'|' '$1 != $2 && $1 != $3 {
                    printf "  yours \"%s\"; A says \"%s\", B says \"%s\"\n", $1, $2, $3; if (++n == 6) exit }')"
        fi
        reads=$((reads + 1))
        IFS= read -r builds <"$d/builds" || true
    done
    touch "$STOP_FILE"
    wait "$WRITER_PID" || true
    WRITER_PID=""
    [[ ! -e $d/w.failed ]] || lab_fail "a build failed while lookups ran:" "$(head -c 1500 "$d/w.failed")"
    local left
    left=$(ls -A "$WORK")
    [[ $left == idx ]] || lab_fail "only idx should be left in the directory after the builds; it holds:" "$left"
}

@test "[0] naive_install rewrites the index in place: a running lookup dies of SIGBUS" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 1000 3000)" "$d/keys"
    gen_data "$d/keys" "$d/A"
    gen_other "$d/A" "$d/B"
    ref_index "$d/A" "$WORK/idx"
    ref_index "$d/B" "$d/new.idx"
    local k1 k2
    { read -r k1 && read -r k2; } < <(pick 2 "$d/keys")
    # shellcheck disable=SC2034 # read by lab_fail
    LESSON_REF=07-sigbus.md

    start_reader idx --fault-info
    expect_answer "$k1" "$k1 $(value_of "$k1" "$d/A")" "idx holds data set A"

    mkfifo "$d/naive.in" "$d/naive.out"
    spawn_lab naive --stdin "$d/naive.in" --stdout "$d/naive.out" naive_install idx
    exec 6<"$d/naive.out"
    exec 5>"$d/naive.in"
    local said=""
    IFS= read -r -t 30 -u 6 said || true
    [[ $said == *truncated* ]] || lab_fail "naive_install did not report the truncation; it said: $said"
    [[ $(stat -c %s "$WORK/idx") == 0 ]] || lab_fail "idx should be empty while naive_install waits for its input"

    # idx is now 0 bytes long, and the reader's mapping lies wholly past its end.
    if ask "$k2"; then
        lab_fail "the lookup answered \"$ANSWER\" from an index truncated under it; expected it to die of SIGBUS"
    fi
    exec 7>&-
    exec 8<&-
    wait_lab reader
    assert_killed_by SIGBUS BUS_ADRERR
    ((SB_PAST_EOF >= 0)) || lab_fail "the fault should lie past the end of the (now empty) file; $(fault_words)"

    cat "$d/new.idx" >&5
    exec 5>&-
    IFS= read -r -t 30 -u 6 said || true
    exec 6<&-
    wait_lab naive
    assert_exit 0
    assert_file_is "$WORK/idx" "$d/new.idx" "idx after naive_install"
    run_lab sidx lookup idx "$k2"
    assert_exit 0
    echo "$k2 $(value_of "$k2" "$d/B")" >"$d/want"
    assert_answers "$d/want"
}

@test "[0] a bad input line is refused with its line number; INDEX is left as it was, no temporary file remains" {
    local d="$BATS_TEST_TMPDIR"
    gen_keys "$(rand_between 50 300)" "$d/keys"
    gen_data "$d/keys" "$d/data"
    ref_index "$d/data" "$WORK/idx"
    cp "$WORK/idx" "$d/before"
    local ino n bad
    ino=$(stat -c %i "$WORK/idx")
    n=$(wc -l <"$d/data")
    for bad in "lonelykey" "key 9223372036854775808" "0123456789012345678901234567890123 5"; do
        local at
        rand_set at 1 n
        awk -v at="$at" -v bad="$bad" 'NR == at { print bad } { print }' "$d/data" >"$d/in"
        run_lab --stdin "$d/in" sidx build idx
        assert_not_killed
        assert_exit 1
        assert_stderr_has "line $at" "the message must name the bad line ('$bad')"
        assert_file_is "$WORK/idx" "$d/before" "idx after a refused build"
        [[ $(stat -c %i "$WORK/idx") == "$ino" ]] || lab_fail "idx was replaced although the input was refused"
        [[ $(ls -A "$WORK") == idx ]] || lab_fail "a refused build left files behind:" "$(ls -A "$WORK")"
    done
}

@test "[0] usage errors exit 2; a missing INDEX or a directory is exit status 1" {
    run_lab sidx
    assert_exit 2
    run_lab sidx build
    assert_exit 2
    run_lab sidx frob idx
    assert_exit 2
    run_lab sidx lookup no-such-index key
    assert_exit 1
    assert_stderr_has "No such file or directory"
    mkdir "$WORK/adir"
    run_lab sidx lookup adir key
    assert_exit 1
}
