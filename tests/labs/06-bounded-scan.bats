#!/usr/bin/env bats
# Lab 06: count the lines holding a pattern in a file far larger than the
# memory the scan may use (one mapping, MADV_SEQUENTIAL / WILLNEED / DONTNEED).
# Points are in the test names: "[N] ..." (0: checked, not graded).
#
# Peak memory is measured from outside the program, never taken from its own
# report: the sandbox is started by a small wrapper (rsswrap below) that
# waits for it and reads getrusage(RUSAGE_CHILDREN).ru_maxrss. The kernel
# carries each reaped descendant's peak RSS up to the process that reaps it,
# so that number is the larger of the sandbox's own small peak and the
# program's VmHWM at exit, which the program cannot fake.
# (MADV_DONTNEED and munmap record the high-water mark before they drop
# anything, so "touch it all, then DONTNEED it all" shows its real peak.)

load ../lib/lab

# The bound on the peak RSS while scanning the 1 GiB file.
LIMIT_MIB=64

setup_file() {
    lab_setup_file 06
    [[ -e $BATS_FILE_TMPDIR/build.failed ]] && return 0
    helpers_build || return 1
    big_file_make || return 1
}

teardown_file() {
    rm -f "${BIG:-/nonexistent}"
}

setup() {
    lab_setup
    PAGE=$LAB_PAGE_SIZE
}

# --- local helpers (not in tests/lib: only this lab needs them) -----------

# One small C program, built once per file with the system compiler, that
# does three jobs (one compile is cheaper than three on a busy machine):
#   helper genbig SEED SIZE OUT  writes SIZE bytes of short text lines
#       (lowercase words, at most 100 bytes a line) by repeating one random
#       block, with one 96 MiB stretch without any newline (a single very
#       long line). It plants a pattern that the text never contains ('#' and
#       capital letters) just before every 2 MiB boundary, once inside every
#       2 MiB, near both ends of the long line and as the file's last bytes
#       (a last line without newline), and prints "PATTERN COUNT", COUNT
#       being the number of lines that hold it. (Checked against grep -c -F
#       when the test was written; grep over 1 GiB in every run costs
#       seconds.)
#   helper plant FILE OFFSET TEXT [OFFSET TEXT]...  overwrites bytes in place.
#   rss_tools/sandbox (a link to the helper) stands in for the sandbox: runs
#       the real one ($MMAPLAB_REAL_SANDBOX) with the same arguments, waits,
#       and writes the children's peak RSS in KiB to $MMAPLAB_RSS_OUT.
helpers_build() {
    local d="$BATS_FILE_TMPDIR/helpers"
    mkdir -p "$d" "$BATS_FILE_TMPDIR/rss_tools"
    cat >"$d/helper.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t s;
static uint64_t rnd(void)
{
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1DULL;
}

/* Write [a, b) of the file as the block repeated from offset 0. */
static int emit(int fd, const char *blk, long long blen, long long a, long long b)
{
    while (a < b) {
        long long ph = a % blen, n = blen - ph;
        if (n > b - a) n = b - a;
        if (pwrite(fd, blk + ph, (size_t)n, a) != (ssize_t)n) return -1;
        a += n;
    }
    return 0;
}

static int genbig(int argc, char **argv)
{
    if (argc != 4) return 2;
    s = strtoull(argv[1], NULL, 10) * 0x9E3779B97F4A7C15ULL + 1;
    long long size = strtoll(argv[2], NULL, 10);
    int fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || size < (512LL << 20)) return 1;
    char pat[8] = "#";
    for (int i = 1; i < 7; i++) pat[i] = (char)('A' + rnd() % 26);
    long long m = 7;

    long long blen = (1 << 20) + 4099; /* not a multiple of any page size */
    char *text = malloc((size_t)blen), *flat = malloc((size_t)blen);
    if (!text || !flat) return 1;
    for (long long i = 0, line = 0; i < blen; i++) {
        uint64_t r = rnd();
        if (i == blen - 1 || line >= 100 || r % 23 == 0) { text[i] = '\n'; line = 0; }
        else { text[i] = (r >> 8) % 6 == 0 ? ' ' : (char)('a' + (r >> 16) % 26); line++; }
        flat[i] = text[i] == '\n' ? ' ' : text[i];
    }
    long long l0 = (300LL << 20) + 12345, l1 = l0 + (96LL << 20);
    if (emit(fd, text, blen, 0, l0) || emit(fd, flat, blen, l0, l1) ||
        emit(fd, text, blen, l1, size))
        return 1;

    /* Each plant outside the long line is alone in its line: plants are
     * at least 8 KiB apart and normal lines at most 100 bytes long. All the
     * plants inside the long line make one matching line. */
    long long step = 2 << 20, count = 0;
    for (long long k = 1; (k + 1) * step <= size; k++) {
        long long at[2];
        at[0] = k * step - 1 - (long long)(rnd() % (uint64_t)(m - 1));
        at[1] = k * step + 8192 + (long long)(rnd() % (uint64_t)(step - 16384));
        for (int j = 0; j < 2; j++) {
            if (at[j] + m > l0 - 4096 && at[j] < l1 + 4096) {
                if (at[j] < l0 + 4096 || at[j] + m > l1 - 4096)
                    continue; /* too close to an end of the long line */
            } else {
                count++;
            }
            if (pwrite(fd, pat, (size_t)m, at[j]) != m) return 1;
        }
    }
    if (pwrite(fd, pat, (size_t)m, l0 + 100) != m ||
        pwrite(fd, pat, (size_t)m, l1 - 5000) != m ||
        pwrite(fd, pat, (size_t)m, size - m) != m)
        return 1;
    count += 2; /* the long line, and the last line (no newline) */
    if (close(fd) != 0) return 1;
    printf("%s %lld\n", pat, count);
    free(text);
    free(flat);
    return 0;
}
static int plant(int argc, char **argv)
{
    int fd = argc > 1 ? open(argv[1], O_WRONLY) : -1;
    if (fd < 0) return 1;
    for (int i = 2; i + 1 < argc; i += 2) {
        size_t n = strlen(argv[i + 1]);
        if (pwrite(fd, argv[i + 1], n, strtoll(argv[i], NULL, 10)) != (ssize_t)n) return 1;
    }
    return close(fd) != 0;
}

static int rsswrap(char **argv)
{
    const char *real = getenv("MMAPLAB_REAL_SANDBOX");
    const char *out = getenv("MMAPLAB_RSS_OUT");
    if (!real || !out) return 125;
    pid_t pid = fork();
    if (pid < 0) return 125;
    if (pid == 0) {
        argv[0] = (char *)real;
        execv(real, argv);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return 125;
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) return 125;
    FILE *f = fopen(out, "w");
    if (!f || fprintf(f, "%ld\n", ru.ru_maxrss) < 0 || fclose(f) != 0) return 125;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 125;
}

int main(int argc, char **argv)
{
    const char *me = strrchr(argv[0], '/');
    if (strcmp(me ? me + 1 : argv[0], "sandbox") == 0) return rsswrap(argv);
    if (argc > 1 && strcmp(argv[1], "genbig") == 0) return genbig(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "plant") == 0) return plant(argc - 1, argv + 1);
    return 2;
}
EOF
    "${CC:-cc}" -std=c11 -O2 -o "$d/helper" "$d/helper.c" || {
        echo "cannot build the test helper ($d/helper.c)" >&2
        return 1
    }
    ln -sf "$d/helper" "$BATS_FILE_TMPDIR/rss_tools/sandbox"
    ln -sf "$MMAPLAB_TOOLS/calltrace.so" "$BATS_FILE_TMPDIR/rss_tools/calltrace.so"
    export MMAPLAB_REAL_SANDBOX="$MMAPLAB_TOOLS/sandbox"
    export RSS_TOOLS="$BATS_FILE_TMPDIR/rss_tools"
    export HELPER="$d/helper"
}

# The 1 GiB file, made once per test file (about a second).
big_file_make() {
    export BIG="$BATS_FILE_TMPDIR/big.txt"
    local out
    out=$("$HELPER" genbig "$MMAPLAB_SEED" $((1 << 30)) "$BIG") || {
        echo "cannot write the 1 GiB test file $BIG" >&2
        return 1
    }
    read -r BIG_PATTERN BIG_WANT <<<"$out"
    export BIG_PATTERN BIG_WANT
}

# run_lab_rss RUN_LAB_ARGS...: run_lab through the measuring wrapper; sets
# PEAK_KIB to the program's peak RSS in KiB.
run_lab_rss() {
    local out="$BATS_TEST_TMPDIR/peak.$((RUNS + 1))"
    rm -f "$out"
    export MMAPLAB_RSS_OUT=$out
    local tools=$MMAPLAB_TOOLS
    MMAPLAB_TOOLS=$RSS_TOOLS
    run_lab "$@"
    MMAPLAB_TOOLS=$tools
    PEAK_KIB=$(cat "$out" 2>/dev/null || true)
    [[ $PEAK_KIB =~ ^[0-9]+$ ]] || lab_fail "the test could not measure the peak RSS (harness problem)"
}

# The bound in KiB. Under AddressSanitizer every byte read also reads its
# shadow byte (1/8 of the data), and on this kernel reading untouched
# anonymous memory allocates real pages, so the shadow of the scanned file
# (128 MiB for 1 GiB) and ASan's runtime (~32 MiB) count in RSS: allowed for.
rss_limit_kib() {
    local kib=$((LIMIT_MIB * 1024))
    if [[ ${MMAPLAB_SANITIZE:-0} == 1 ]]; then
        kib=$((kib + $(stat -c %s "$BIG") / 8 / 1024 + 32 * 1024))
    fi
    echo "$kib"
}

# The reference: LC_ALL=C grep -c -F (-a: never treat the file as binary).
grep_count() {
    LC_ALL=C grep -a -c -F -e "$1" "$2" || true
}

# check_count WANT PATTERN [RUN_LAB_ARGS...]: run mapgrep and compare its
# output with WANT; PATTERN is for the message (shown quoted, as bash would
# need it: the random ones may hold tabs, \r or \f).
check_count() {
    local want=$1 q n=${#2}
    printf -v q '%q' "$2"
    ((${#q} <= 120)) || q="${q:0:120}..."
    shift 2
    run_lab "$@"
    assert_not_killed
    assert_exit 0
    if [[ $output != "$want" ]]; then
        lab_fail "expected the count $want (from LC_ALL=C grep -c -F), got '${output:0:80}'" \
            "the pattern, $n bytes, quoted for bash: $q"
    fi
}

# check_grep FILE PATTERN [-w N]: compare mapgrep with grep on one file.
check_grep() {
    local file=$1 pat=$2
    shift 2
    check_count "$(grep_count "$pat" "$WORK/$file")" "$pat" mapgrep "$@" -- "$pat" "$file"
}

# A pattern of LEN bytes copied from FILE at a random place, without '\n'
# (and without NUL, which an argument cannot hold); "q" if nothing is left.
pattern_from() {
    local file=$1 len=$2 size at p
    size=$(stat -c %s "$file")
    at=$(rand_between 0 $((size > len ? size - len : 0)))
    p=$(tail -c +$((at + 1)) "$file" | head -c "$len" | tr -d '\n\0')
    printf '%s' "${p:-q}"
}

# check_advice FILE SIZE P W: the trace of the last run shows one read-only
# mapping of the whole file, MADV_SEQUENTIAL on all of it first, every
# window after the first advised MADV_WILLNEED before it is dropped, every
# window but the last dropped with MADV_DONTNEED soon after it was scanned
# (before the window three ahead is advised), each madvise address a
# multiple of P from the mapping's start and each length whole P-pages (or
# reaching the end of the file).
check_advice() {
    local file=$1 size=$2 P=$3 W=$4
    local maps
    maps=$(trace_mmaps_of "$file")
    [[ -n $maps && $(grep -c . <<<"$maps") == 1 ]] ||
        lab_fail "expected exactly one mmap of $(basename "$file") (the whole file, once); the tracer saw:" \
            "${maps:-(none)}"
    local off len base
    trace_get off "$maps" off
    trace_get len "$maps" len
    base=$(($(trace_field "$maps" ret)))
    ((off == 0 && len >= size)) ||
        lab_fail "expected the mapping to hold the whole file (offset 0, at least $size bytes)" "$maps"
    assert_munmapped "$maps"
    assert_no_read_of "$file"

    local nwin=$(((size + W - 1) / W)) order=0 seq=0 first_other=0
    local -a will=() dont=() dropped=()
    local re='addr=(0x[0-9a-fA-F]+) len=([0-9]+) advice=([A-Za-z_0-9]+)'
    local line addr l adv rel k s e pg advs
    advs=$(trace_select madvise)
    while IFS= read -r line; do
        [[ $line =~ $re ]] || continue
        addr=$((BASH_REMATCH[1]))
        l=${BASH_REMATCH[2]}
        adv=${BASH_REMATCH[3]}
        ((addr >= base && addr < base + len)) || continue
        order=$((order + 1))
        [[ $line != *" errno="* ]] || lab_fail "a madvise call failed:" "$line"
        rel=$((addr - base))
        ((rel % P == 0)) ||
            lab_fail "madvise at byte $rel of the mapping: not a multiple of the page size $P" \
                "(is the page size hard-coded instead of asked from sysconf?)" "$line"
        ((l % P == 0 || rel + l >= size)) ||
            lab_fail "madvise length $l is not a whole number of $P-byte pages and does not reach the end of the file" "$line"
        case $adv in
        SEQUENTIAL)
            ((seq == 0 && rel == 0 && l >= size)) && seq=$order
            ;;
        WILLNEED | DONTNEED)
            ((first_other == 0)) && first_other=$order
            # The windows that start inside this range.
            for ((k = (rel + W - 1) / W; k < nwin && k * W < rel + l; k++)); do
                if [[ $adv == WILLNEED ]]; then
                    [[ -n ${will[k]:-} ]] || will[k]=$order
                else
                    [[ -n ${dont[k]:-} ]] || dont[k]=$order
                fi
            done
            if [[ $adv == DONTNEED ]]; then
                for ((pg = rel / P; pg * P < rel + l; pg++)); do dropped[pg]=1; done
            fi
            ;;
        esac
    done <<<"$advs"

    ((seq > 0 && (first_other == 0 || seq < first_other))) ||
        lab_fail "expected madvise(MADV_SEQUENTIAL) on the whole mapping (address $(printf '0x%x' "$base"), at least $size bytes) before the scan; the tracer saw:" \
            "$(head -8 <<<"$advs")"
    for ((k = 1; k < nwin; k++)); do
        s=$((k * W))
        if [[ -z ${will[k]:-} ]] || { [[ -n ${dont[k]:-} ]] && ((dont[k] < will[k])); }; then
            lab_fail "window $k (bytes $s..$((s + W - 1)) with -w $((W / P))) was not advised MADV_WILLNEED before it was dropped: advise each window ahead, before you scan it" \
                "$(head -12 <<<"$advs")"
        fi
    done
    for ((k = 0; k < nwin - 1; k++)); do
        s=$((k * W))
        e=$((s + W))
        for ((pg = s / P; pg * P < e; pg++)); do
            [[ -n ${dropped[pg]:-} ]] ||
                lab_fail "bytes $((pg * P))..$((pg * P + P - 1)) of the file (window $k) were never dropped with MADV_DONTNEED" \
                    "$(head -12 <<<"$advs")"
        done
        if ((k + 3 < nwin)) && [[ -n ${will[k + 3]:-} ]] && ((dont[k] > will[k + 3])); then
            lab_fail "window $k was dropped only after window $((k + 3)) had been advised: drop each window as soon as you are done with it, not at the end" \
                "$(head -12 <<<"$advs")"
        fi
    done
}

# --- the tests --------------------------------------------------------------

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[5] counts equal grep -c -F on random text files" {
    rand_text "$(rand_between 1 200000)" "$WORK/t.txt"
    check_grep t.txt "$(pattern_from "$WORK/t.txt" "$(rand_between 1 3)")"
    check_grep t.txt "$(pattern_from "$WORK/t.txt" "$(rand_between 4 12)")"
    # Over 2 MiB, so that lines and matches also cross the default windows:
    # a random chunk repeated, then a short random tail.
    rand_text "$(rand_between 100000 300000)" "$BATS_TEST_TMPDIR/chunk"
    rand_text "$(rand_between 1 5000)" "$BATS_TEST_TMPDIR/tail"
    local c=$BATS_TEST_TMPDIR/chunk
    cat "$c" "$c" "$c" "$c" "$c" "$c" "$c" "$c" "$c" "$c" "$c" "$c" "$BATS_TEST_TMPDIR/tail" >"$WORK/multi.txt"
    check_grep multi.txt "$(pattern_from "$WORK/multi.txt" 2)"
    check_grep multi.txt "$(pattern_from "$WORK/multi.txt" "$(rand_between 3 8)")"
    check_grep multi.txt "no such words here"
}

@test "[5] small windows: patterns across every window boundary, lines longer than a window, no final newline" {
    local w W pat m size k nwin r plants
    for w in 1 "$(rand_between 2 3)"; do
        W=$((w * PAGE))
        # Text, one line over three windows long, text, and no final newline.
        rand_text "$(rand_between $((4 * W)) $((8 * W)))" "$WORK/s.txt"
        rand_text $((3 * W + $(rand_between 1 W))) "$BATS_TEST_TMPDIR/long"
        tr -d '\n' <"$BATS_TEST_TMPDIR/long" >>"$WORK/s.txt"
        rand_text "$(rand_between $((2 * W)) $((5 * W)))" "$BATS_TEST_TMPDIR/more"
        cat "$BATS_TEST_TMPDIR/more" >>"$WORK/s.txt"
        size=$(stat -c %s "$WORK/s.txt")
        pat=$(pattern_from "$WORK/s.txt" "$(rand_between 2 9)")
        m=${#pat}
        # Straddle every boundary: start 1..m-1 bytes before it. Every third
        # boundary gets the pattern twice, around it, in the same line.
        nwin=$(((size + W - 1) / W))
        rand_set r 0 1000
        plants=()
        for ((k = 1; k < nwin - 1; k++)); do
            if ((k % 3 == 0)); then
                plants+=($((k * W - m - 1)) "${pat}_${pat}")
            else
                plants+=($((k * W - 1 - (r + 7 * k) % (m > 1 ? m - 1 : 1))) "$pat")
            fi
        done
        "$HELPER" plant "$WORK/s.txt" "${plants[@]}"
        printf '%s' "$pat" >>"$WORK/s.txt" # the last line ends with it, no '\n'
        check_grep s.txt "$pat" -w "$w"
    done
    # Many short matches: a count that lines across boundaries would spoil.
    check_grep s.txt "$(pattern_from "$WORK/s.txt" 1)" -w 1
    # A pattern longer than the window, cut from a long line, planted across
    # two more boundaries.
    rand_text $((6 * PAGE)) "$WORK/l.txt"
    rand_text $((3 * PAGE)) "$BATS_TEST_TMPDIR/long"
    tr -d '\n' <"$BATS_TEST_TMPDIR/long" >"$BATS_TEST_TMPDIR/flat"
    pat=$(head -c $((PAGE + 100)) "$BATS_TEST_TMPDIR/flat")
    cat "$BATS_TEST_TMPDIR/flat" >>"$WORK/l.txt"
    rand_text $((6 * PAGE)) "$BATS_TEST_TMPDIR/more"
    cat "$BATS_TEST_TMPDIR/more" >>"$WORK/l.txt"
    "$HELPER" plant "$WORK/l.txt" $((PAGE - 50)) "$pat" $((13 * PAGE - $(rand_between 1 PAGE))) "$pat"
    check_grep l.txt "$pat" -w 1
}

@test "[2] edge cases: empty file, empty pattern, only newlines, pattern longer than the file" {
    : >"$WORK/empty.txt"
    printf 'one\n\nthree\n\n\nsix without newline' >"$WORK/lines.txt"
    printf '\n\n\n\n' >"$WORK/nl.txt"
    printf 'x' >"$WORK/x.txt"
    check_grep empty.txt ""
    if trace_select mmap | grep -q ' len=0 '; then
        lab_fail "mmap was called with length 0 for the empty file (that is EINVAL):" \
            "$(trace_select mmap | grep ' len=0 ')"
    fi
    check_grep lines.txt ""
    check_grep lines.txt "newline"
    check_grep nl.txt ""
    check_grep x.txt "x"
    check_grep x.txt "xx"
}

@test "[4] peak RSS stays under 64 MiB scanning a 1 GiB file (measured from outside)" {
    local limit
    limit=$(rss_limit_kib)
    run_lab_rss --timeout 300 mapgrep "$BIG_PATTERN" "$BIG"
    assert_not_killed
    assert_exit 0
    [[ $output == "$BIG_WANT" ]] ||
        lab_fail "expected the count $BIG_WANT for '$BIG_PATTERN' in the 1 GiB file, got '${output:0:80}'" \
            "(the pattern sits across every 2 MiB boundary, and a 96 MiB line holds it near both ends)"
    [[ -n $(trace_mmaps_of "$BIG") ]] ||
        lab_fail "expected the 1 GiB file to be scanned through mmap; the tracer saw no mmap of it"
    assert_no_read_of "$BIG"
    ((PEAK_KIB < limit)) ||
        lab_fail "the peak RSS was $((PEAK_KIB / 1024)) MiB; it must stay under $((limit / 1024)) MiB" \
            "(the file is 1 GiB and holds one 96 MiB line: drop each window with MADV_DONTNEED once scanned, and never touch a whole line at once)"
}

@test "[3] the trace: SEQUENTIAL on the mapping, WILLNEED ahead, DONTNEED behind, page-aligned" {
    local w W size
    rand_set w 1 3
    W=$((w * PAGE))
    size=$((W * $(rand_between 6 12) + $(rand_between 1 W-1)))
    rand_text "$size" "$WORK/a.txt"
    check_grep a.txt "$(pattern_from "$WORK/a.txt" 2)" -w "$w"
    check_advice "$WORK/a.txt" "$size" "$PAGE" "$W"
}

@test "[1] when sysconf reports 16 KiB pages every madvise is 16 KiB-aligned" {
    local big=16384 size pat
    ((big % PAGE == 0)) || skip "the real page size $PAGE does not divide 16 KiB"
    size=$((big * $(rand_between 5 8) + $(rand_between 1 big-1)))
    rand_text "$size" "$WORK/a.txt"
    pat=$(pattern_from "$WORK/a.txt" 3)
    check_count "$(grep_count "$pat" "$WORK/a.txt")" "$pat" --page "$big" mapgrep -w 1 -- "$pat" a.txt
    check_advice "$WORK/a.txt" "$size" "$big" "$big"
}

@test "[0] the naive version gets the count right but its peak RSS is the whole file" {
    # Built with ASan its scan is slow (the memmem interceptor re-checks the
    # rest of the file on every call) and shows nothing new.
    [[ ${MMAPLAB_SANITIZE:-0} != 1 ]] || skip "shown by the plain build only"
    local limit
    limit=$(rss_limit_kib)
    run_lab_rss --timeout 300 naive_grep "$BIG_PATTERN" "$BIG"
    assert_not_killed
    assert_exit 0
    [[ $output == "$BIG_WANT" ]] || lab_fail "naive_grep counted '${output:0:80}', expected $BIG_WANT"
    ((PEAK_KIB > limit)) ||
        lab_fail "expected naive_grep's peak RSS to pass $((limit / 1024)) MiB on a 1 GiB file; it was $((PEAK_KIB / 1024)) MiB" \
            "(is the machine short of memory, so that the kernel reclaimed pages during the scan?)"
}

@test "[0] bad options and files: exit statuses and messages; --stats prints VmHWM" {
    printf 'abc\n' >"$WORK/f.txt"
    mkdir "$WORK/adir"
    local bad
    for bad in 0 65537; do
        run_lab mapgrep -w "$bad" abc f.txt
        assert_exit 2
        assert_stderr_has "invalid window"
    done
    run_lab mapgrep abc
    assert_exit 2
    run_lab mapgrep "$(printf 'a\nb')" f.txt
    assert_exit 2
    assert_stderr_has "newline"
    run_lab mapgrep abc no-such-file
    assert_exit 1
    assert_stderr_has "mapgrep: no-such-file: No such file or directory"
    run_lab mapgrep abc adir
    assert_exit 1
    assert_stderr_has "mapgrep: adir: Is a directory"
    run_lab mapgrep --stats -- abc f.txt
    assert_exit 0
    assert_stderr_has "VmHWM"
}
