#!/usr/bin/env bats
# Lab 10: the same two queries with read()/pread() and with mmap, timed by
# the provided driver. Timing is never asserted: only results, the report's
# format and arithmetic, and which calls each variant made.
# Points are in the test names: "[N] ..." (0: checked, not graded).

load ../lib/lab

setup_file() {
    lab_setup_file 10 || return 1
    # An independent reference, written apart from the driver: stdio only,
    # words assembled byte by byte, its own copy of the generator.
    REF="$BATS_FILE_TMPDIR/ref10"
    export REF
    cat >"$REF.c" <<'EOF'
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t le(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "gen") == 0) {          /* gen SEED BYTES */
        uint64_t x = strtoull(argv[2], NULL, 10) * 2654435761u + 88172645463325252u;
        unsigned long long n = strtoull(argv[3], NULL, 10);
        static unsigned char buf[1 << 16];
        while (n > 0) {
            size_t k = n < sizeof buf ? (size_t)n : sizeof buf;
            for (size_t i = 0; i < k; i++) {                 /* xorshift64* */
                x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
                buf[i] = (unsigned char)((x * 2685821657736338717u) >> 56);
            }
            if (fwrite(buf, 1, k, stdout) != k) return 1;
            n -= k;
        }
        return 0;
    }
    if (argc < 3) return 2;
    FILE *f = fopen(argv[2], "rb");
    if (!f) return 1;
    static unsigned char rec[64];
    uint64_t sum = 0, nrec = 0;
    if (strcmp(argv[1], "sum") == 0 && argc == 3) {          /* sum FILE */
        while (fread(rec, 1, 64, f) == 64)
            for (int w = 0; w < 8; w++) sum += le(rec + 8 * w);
    } else if (strcmp(argv[1], "lookup") == 0 && argc == 5) { /* lookup FILE N SEED */
        fseek(f, 0, SEEK_END);
        nrec = (uint64_t)ftell(f) / 64;
        unsigned long long n = strtoull(argv[3], NULL, 10);
        uint64_t s = strtoull(argv[4], NULL, 10);
        for (unsigned long long k = 0; k < n; k++) {
            s += 0x9E3779B97F4A7C15u;
            uint64_t z = s;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
            z ^= z >> 31;
            fseek(f, (long)((z % nrec) * 64 + 8), SEEK_SET);
            if (fread(rec, 1, 8, f) != 8) return 1;
            sum += le(rec);
        }
    } else {
        return 2;
    }
    printf("%llu\n", (unsigned long long)sum);
    return 0;
}
EOF
    cc -std=c11 -O2 -o "$REF" "$REF.c"
}

setup() {
    lab_setup
    PAGE=$LAB_PAGE_SIZE
}

# make_data RECORDS: a random file of that many 64-byte records in $WORK.
make_data() {
    RECORDS=$1
    SIZE=$((RECORDS * 64))
    "$REF" gen "$(rand_next)" "$SIZE" >"$WORK/data.bin"
    DATA=$(trace_path "$WORK/data.bin")
}

# A random odd number of records (so the size is never a whole number of
# pages) making a file of 4 to 16 MiB.
make_random_data() { make_data $(($(rand_between 65536 262144) | 1)); }

# read_report: parse the last run's stdout into R_SUM[variant],
# R_SEC[variant], R_RATE[variant] and R_RATIO[query/method], checking each
# line against the documented format.
read_report() {
    declare -gA R_SUM=() R_SEC=() R_RATE=() R_RATIO=()
    R_HEADER="" R_LINES=0
    local line q rest
    local num='[0-9]+' dec9='[0-9]+\.[0-9]{9}'
    while IFS= read -r line; do
        R_LINES=$((R_LINES + 1))
        if [[ $line =~ ^bench\ bytes=($num)\ records=($num)\ lookups=($num)\ seed=($num)\ repeat=($num)\ cache=(warm|cold)\ file=.+$ ]]; then
            R_HEADER=$line
        elif [[ $line =~ ^scan\ (read|mmap|memory)\ sum=($num)\ seconds=($dec9)\ GB/s=([0-9]+\.[0-9]{3})\ minflt=$num\ majflt=$num$ ]]; then
            R_SUM[scan-${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
            R_SEC[scan-${BASH_REMATCH[1]}]=${BASH_REMATCH[3]}
            R_RATE[scan-${BASH_REMATCH[1]}]=${BASH_REMATCH[4]}
        elif [[ $line =~ ^lookup\ (pread|mmap|memory)\ sum=($num)\ seconds=($dec9)\ ns/lookup=([0-9]+\.[0-9])\ minflt=$num\ majflt=$num$ ]]; then
            R_SUM[lookup-${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
            R_SEC[lookup-${BASH_REMATCH[1]}]=${BASH_REMATCH[3]}
            R_RATE[lookup-${BASH_REMATCH[1]}]=${BASH_REMATCH[4]}
        elif [[ $line =~ ^ratio\ (scan|lookup)((\ [a-z]+/[a-z]+=[0-9]+\.[0-9]{3})+)$ ]]; then
            q=${BASH_REMATCH[1]}
            for rest in ${BASH_REMATCH[2]}; do
                R_RATIO[$q/${rest%%=*}]=${rest#*=}
            done
        else
            lab_fail "this line of the report does not match the documented format:" "$line"
        fi
    done <"$LAB_STDOUT"
}

# expect_sums VARIANT... : each variant printed the reference result.
expect_sums() {
    local v want
    for v in "$@"; do
        if [[ $v == scan-* ]]; then want=$WANT_SCAN; else want=$WANT_LOOKUP; fi
        [[ -n ${R_SUM[$v]:-} ]] || lab_fail "the report has no line for $v; stdout was:" "$(head -c 800 "$LAB_STDOUT")"
        [[ ${R_SUM[$v]} == "$want" ]] ||
            lab_fail "${v/-/ } gave sum=${R_SUM[$v]}; the reference computed in the test gives $want" \
                "(the file is $SIZE bytes: $RECORDS records of 64 bytes; words are little-endian, sums wrap at 2^64)"
    done
}

# run_bench ARGS...: run the driver and parse its report.
run_bench() {
    run_lab --timeout 120 bench "$@"
    assert_not_killed
    assert_exit 0
    read_report
}

# assert_unmapped_all FILE: every successful mmap of FILE was unmapped with
# the same address and at least its length (one pass over the trace).
assert_unmapped_all() {
    local p bad
    p=$(trace_path "$1")
    bad=$(TRACE_P="path=$p" awk 'BEGIN { p = ENVIRON["TRACE_P"] }
        function field(k,   i) {
            for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2)
            return ""
        }
        $2 == "mmap" && $0 !~ / errno=/ { for (i = 3; i <= NF; i++) if ($i == p) { open[field("ret")] = field("len"); line[field("ret")] = $0 } }
        $2 == "munmap" && field("ret") == "0" { a = field("addr"); if ((a in open) && field("len") + 0 >= open[a] + 0) delete open[a] }
        END { for (a in open) { print line[a]; exit } }' "$TRACE")
    [[ -z $bad ]] || lab_fail "this mapping of $(basename "$1") was never unmapped (munmap with the same address and length):" "$bad"
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] scan: read and mmap both give the sum of all words, as computed by the test" {
    make_random_data
    WANT_SCAN=$("$REF" sum "$WORK/data.bin")
    run_bench --only scan-read,scan-mmap data.bin
    expect_sums scan-read scan-mmap
}

@test "[4] lookups: pread and mmap both give the sum of the looked-up values" {
    make_random_data
    local n seed
    n=$(rand_between 2000 20000) seed=$(($(rand_next) * 4294967296 + $(rand_next)))
    WANT_LOOKUP=$("$REF" lookup "$WORK/data.bin" "$n" "$seed")
    run_bench --only lookup-pread,lookup-mmap data.bin "$n" "$seed"
    expect_sums lookup-pread lookup-mmap
}

@test "[2] edge sizes: one record, and one page plus one record" {
    local records n seed
    for records in 1 $((PAGE / 64 + 1)); do
        make_data "$records"
        for n in 1 7; do
            rand_draw
            seed=$RAND_DRAW
            WANT_SCAN=$("$REF" sum "$WORK/data.bin")
            WANT_LOOKUP=$("$REF" lookup "$WORK/data.bin" "$n" "$seed")
            run_bench --only scan-read,scan-mmap,lookup-pread,lookup-mmap data.bin "$n" "$seed"
            expect_sums scan-read scan-mmap lookup-pread lookup-mmap
        done
    done
}

@test "[3] the full report: six results that agree, figures and ratios consistent" {
    make_data $(((64 << 20) / 64 + $(rand_between 1 999)))
    local n seed
    n=$(rand_between 5000 20000) seed=$(rand_next)
    WANT_SCAN=$("$REF" sum "$WORK/data.bin")
    WANT_LOOKUP=$("$REF" lookup "$WORK/data.bin" "$n" "$seed")
    run_bench data.bin "$n" "$seed"
    ((R_LINES == 9)) || lab_fail "expected 9 lines (header, 3 scans, 3 lookups, 2 ratios); got $R_LINES:" \
        "$(head -c 1200 "$LAB_STDOUT")"
    [[ $R_HEADER == "bench bytes=$SIZE records=$RECORDS lookups=$n seed=$seed repeat=1 cache=warm file=data.bin" ]] ||
        lab_fail "the header line is wrong:" "$R_HEADER"
    expect_sums scan-read scan-mmap scan-memory lookup-pread lookup-mmap lookup-memory
    local k
    for k in scan/mmap/read scan/memory/read lookup/mmap/pread lookup/memory/pread; do
        [[ -n ${R_RATIO[$k]:-} ]] || lab_fail "the report has no ratio ${k#*/} for the ${k%%/*} query"
    done
    # The arithmetic, with room for the printed rounding only.
    local bad
    bad=$(awk -v size="$SIZE" -v n="$n" \
        -v sr="${R_SEC[scan-read]}" -v sm="${R_SEC[scan-mmap]}" -v sx="${R_SEC[scan-memory]}" \
        -v gr="${R_RATE[scan-read]}" -v gm="${R_RATE[scan-mmap]}" -v gx="${R_RATE[scan-memory]}" \
        -v lr="${R_SEC[lookup-pread]}" -v lm="${R_SEC[lookup-mmap]}" -v lx="${R_SEC[lookup-memory]}" \
        -v nr="${R_RATE[lookup-pread]}" -v nm="${R_RATE[lookup-mmap]}" -v nx="${R_RATE[lookup-memory]}" \
        -v r1="${R_RATIO[scan/mmap/read]}" -v r2="${R_RATIO[scan/memory/read]}" \
        -v r3="${R_RATIO[lookup/mmap/pread]}" -v r4="${R_RATIO[lookup/memory/pread]}" '
        function off(got, want, abs) { d = got - want; if (d < 0) d = -d; return d > abs + 0.002 * (want < 0 ? -want : want) }
        function check(what, got, want, abs) { if (off(got, want, abs)) printf "%s is %s but the figures give %.6f\n", what, got, want }
        BEGIN {
            check("scan read GB/s", gr, size / sr / 1e9, 0.001)
            check("scan mmap GB/s", gm, size / sm / 1e9, 0.001)
            check("scan memory GB/s", gx, size / sx / 1e9, 0.001)
            check("lookup pread ns/lookup", nr, lr * 1e9 / n, 0.1)
            check("lookup mmap ns/lookup", nm, lm * 1e9 / n, 0.1)
            check("lookup memory ns/lookup", nx, lx * 1e9 / n, 0.1)
            check("ratio scan mmap/read", r1, sr / sm, 0.001)
            check("ratio scan memory/read", r2, sr / sx, 0.001)
            check("ratio lookup mmap/pread", r3, lr / lm, 0.001)
            check("ratio lookup memory/pread", r4, lr / lx, 0.001)
        }')
    [[ -z $bad ]] || lab_fail "the report's numbers do not fit together:" "$bad"
}

@test "[3] the read variants use read()/pread() on the file, and never map it" {
    make_random_data
    WANT_SCAN=$("$REF" sum "$WORK/data.bin")
    run_bench --only scan-read data.bin
    expect_sums scan-read
    local total
    total=$(TRACE_P="path=$DATA" awk 'BEGIN { p = ENVIRON["TRACE_P"] } ($2 == "read" || $2 == "pread") {
            for (i = 3; i <= NF; i++) if ($i == p) { for (j = 3; j <= NF; j++) if ($j ~ /^ret=/) t += substr($j, 5) } }
            END { print t + 0 }' "$TRACE")
    ((total >= SIZE)) ||
        lab_fail "scan read must read() all $SIZE bytes of the file; the tracer saw $total bytes come in" \
            "$(trace_about "$DATA" | head -5)"
    [[ -z $(trace_mmaps_of "$WORK/data.bin") ]] ||
        lab_fail "scan read must not map the file; the tracer saw:" "$(trace_mmaps_of "$WORK/data.bin" | head -3)"

    local n seed calls
    n=$(rand_between 1000 5000) seed=$(rand_next)
    WANT_LOOKUP=$("$REF" lookup "$WORK/data.bin" "$n" "$seed")
    : >"$TRACE"
    run_bench --only lookup-pread data.bin "$n" "$seed"
    expect_sums lookup-pread
    calls=$(TRACE_P="path=$DATA" awk 'BEGIN { p = ENVIRON["TRACE_P"] } ($2 == "read" || $2 == "pread") { for (i = 3; i <= NF; i++) if ($i == p) c++ }
            END { print c + 0 }' "$TRACE")
    ((calls >= n)) ||
        lab_fail "lookup pread must make one pread() per lookup ($n); the tracer saw $calls reads of the file"
    [[ -z $(trace_mmaps_of "$WORK/data.bin") ]] ||
        lab_fail "lookup pread must not map the file; the tracer saw:" "$(trace_mmaps_of "$WORK/data.bin" | head -3)"
}

@test "[4] the mmap variants map the file read-only, unmap it, and never read() it" {
    make_random_data
    local n seed v maps
    n=$(rand_between 1000 20000) seed=$(rand_next)
    WANT_SCAN=$("$REF" sum "$WORK/data.bin")
    WANT_LOOKUP=$("$REF" lookup "$WORK/data.bin" "$n" "$seed")
    for v in scan-mmap lookup-mmap; do
        : >"$TRACE"
        run_bench --only "$v" data.bin "$n" "$seed"
        expect_sums "$v"
        maps=$(trace_mmaps_of "$WORK/data.bin")
        [[ -n $maps ]] || lab_fail "${v/-/ } must mmap the file; the tracer saw:" "$(trace_about "$DATA" | head -5)"
        [[ $(trace_field "$(head -1 <<<"$maps")" prot) == *READ* ]] ||
            lab_fail "the mapping must be readable (PROT_READ):" "$(head -1 <<<"$maps")"
        assert_no_read_of "$WORK/data.bin"
        assert_unmapped_all "$WORK/data.bin"
    done
}

@test "[0] bad files and arguments are refused" {
    head -c 100 /dev/zero >"$WORK/odd.bin"
    : >"$WORK/empty.bin"
    run_lab bench odd.bin
    assert_exit 2
    assert_stderr_has "not a non-zero multiple of 64"
    run_lab bench empty.bin
    assert_exit 2
    run_lab bench missing.bin
    assert_exit 1
    run_lab bench --only scan-bogus odd.bin
    assert_exit 2
}
