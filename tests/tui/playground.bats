#!/usr/bin/env bats
# The page-cache playground (mmaplab playground), headless: scripted keys and
# screen dumps. Each test reads the cells of the page grid after an action:
#   .  not in the page cache     c  cached, not mapped here
#   M  cached and mapped         W  written, mapped    w  written, not mapped
#   C  private copy              x  beyond the end of the file   ?  unknown
# The cursor's cell is drawn [M]. Golden screens (tests/tui/golden/playground-*)
# have addresses, counters and the file line removed; regenerate them with
# UPDATE_GOLDEN=1.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    # The scratch file goes to the workspace's .mmaplab/ (or /var/tmp).
    export MMAPLAB_DATA=$ROOT MMAPLAB_WORKSPACE=$BATS_TEST_TMPDIR LANG=C.UTF-8 LC_ALL=C.UTF-8
    unset NO_COLOR MMAPLAB_PAGEMAP
    GOLDEN=$BATS_TEST_DIRNAME/golden
}

# play KEYS [ARGS...]: a headless playground run, English, wide enough
# (200 columns) that no log line wraps and a grid row holds 32 pages.
play() {
    local keys=$1
    shift
    run timeout -s KILL 60 "$BIN" --keys "$keys" --size 200x50 playground "$@"
}

# The grid row of page N's row in screen dump number K (1-based).
grid_row() {
    local k=$1 page=$2
    awk -v k="$k" -v p="$page" '/^--- screen / { n++ } n == k && $1 == p && /^ *[0-9]+ / { print; exit }' <<<"$output"
}

# The cell of page P (pages 0-31 in the first row, 32-63 in the second) in dump K.
cell() {
    local k=$1 p=$2 row
    row=$(grid_row "$k" $((p / 32 * 32)))
    # the cells start at column 5, three columns each; the glyph is the middle one
    printf '%s\n' "${row:$((5 + (p % 32) * 3 + 1)):1}"
}

# Skip when the playground had to put its file on tmpfs: the page cache is
# then the file's only copy and fadvise cannot drop anything.
skip_on_tmpfs() {
    if grep -q '(tmpfs,' <<<"$output"; then
        skip "only tmpfs is writable here (workspace, /var/tmp, \$TMPDIR, /tmp): fadvise cannot evict"
    fi
}

@test "playground: the scratch file starts cold, on disk, and is removed on exit" {
    play "<Dump>"
    assert_success
    assert_output --partial "scratch, removed on exit"
    assert_output --regexp "mmap\(NULL, 262144, PROT_READ\|PROT_WRITE, MAP_SHARED, [0-9]+, 0\) = 0x[0-9a-f]+"
    assert_output --partial "file 262144 bytes, page $(getconf PAGESIZE) bytes, mapping 64 pages MAP_SHARED"
    skip_on_tmpfs
    [[ $(cell 1 0) == "." && $(cell 1 63) == "." ]] || fail "a cold scratch file should show . cells: $(grid_row 1 0)"
    # nothing left behind
    run find "$BATS_TEST_TMPDIR/.mmaplab" -name 'mmaplab-playground-*'
    assert_output ""
}

@test "playground: MADV_DONTNEED on a shared mapping keeps the page cached but unmaps it" {
    play "r<Dump>d<Dump>"
    assert_success
    [[ $(cell 1 0) == "M" ]] || fail "after a read page 0 should be M: $(grid_row 1 0)"
    [[ $(cell 2 0) == "c" ]] || fail "after DONTNEED page 0 should be c (cached, not mapped): $(grid_row 2 0)"
    assert_output --regexp "madvise\(0x[0-9a-f]+, 262144, MADV_DONTNEED\) = 0"
    assert_output --partial "not the page cache: the next touch is a minor fault"
}

@test "playground: posix_fadvise DONTNEED evicts clean pages nobody maps, keeps mapped ones" {
    # touch every page, unmap them all, drop them; then map page 0 again and
    # drop again: page 0 stays.
    play "t<Dump>d<Dump>D<Dump>r<Dump>D<Dump>"
    assert_success
    skip_on_tmpfs
    [[ $(cell 1 40) == "M" ]] || fail "touched pages are mapped: $(grid_row 1 32)"
    [[ $(cell 2 40) == "c" ]] || fail "DONTNEED keeps them cached: $(grid_row 2 32)"
    [[ $(cell 3 40) == "." && $(cell 3 0) == "." ]] || fail "fadvise evicts clean unmapped pages: $(grid_row 3 32)"
    assert_output --regexp "fadvise64\([0-9]+, 0, 262144, POSIX_FADV_DONTNEED\) = 0"
    [[ $(cell 4 0) == "M" ]] || fail "a read maps page 0 again: $(grid_row 4 0)"
    [[ $(cell 5 0) == "M" ]] || fail "fadvise keeps a mapped page: $(grid_row 5 0)"
}

@test "playground: a write on MAP_SHARED is W, seen by pread; msync(MS_SYNC) cleans it, MS_ASYNC does not" {
    play "jjW<Dump>S<Dump>s<Dump>"
    assert_success
    [[ $(cell 1 2) == "W" ]] || fail "written page: $(grid_row 1 0)"
    assert_output --regexp "store \*\(char \*\)0x[0-9a-f]+ = 'A'; pread\([0-9]+, \.\., 1, [0-9]+\) = 1 'A'"
    [[ $(cell 2 2) == "W" ]] || fail "MS_ASYNC leaves it dirty: $(grid_row 2 0)"
    assert_output --partial "MS_ASYNC has done nothing on Linux since 2.6.19"
    [[ $(cell 3 2) == "M" ]] || fail "MS_SYNC cleans it: $(grid_row 3 0)"
}

@test "playground: shrinking the file then touching past the end is a caught SIGBUS, and the playground goes on" {
    # cursor a row down (page 32), ftruncate there, a row down (page 63), read; then page 0
    play "<PgDn>x<Dump><PgDn>r<Dump>gr<Dump>"
    assert_success
    [[ $(cell 1 32) == "x" && $(cell 1 63) == "x" && $(cell 1 31) != "x" ]] || fail "pages 32-63 past EOF: $(grid_row 1 32)"
    assert_output --regexp "ftruncate\([0-9]+, 131072\) = 0"
    assert_output --regexp "load \*\(char \*\)0x[0-9a-f]+ --- SIGBUS \{si_code=BUS_ADRERR, si_addr=0x[0-9a-f]+\} ---"
    assert_output --partial "SIGBUS (BUS_ADRERR) at page 63: the page lies wholly beyond the end of the file (131072 bytes)"
    assert_output --partial "a fault was caught: the playground goes on"
    # still responding: the next read works
    assert_output --regexp "load \*\(char \*\)0x[0-9a-f]+ = 'p'"
    [[ $(cell 3 0) == "M" ]] || fail "page 0 readable after the SIGBUS: $(grid_row 3 0)"
}

@test "playground, Chinese: the SIGBUS is explained in Chinese and the playground goes on" {
    run timeout -s KILL 60 "$BIN" --lang zh --keys "<PgDn><PgDn>x<PgDn>r<Dump>gr" --size 100x40 playground
    assert_success
    assert_output --partial "SIGBUS（BUS_ADRERR），第 48 页：这一页完全位于文件结尾（131072 字节）之后"
    assert_output --partial "捕获到一个缺页信号：游乐场继续运行"
    assert_output --regexp "load \*\(char \*\)0x[0-9a-f]+ = 'p'"
    assert_output --partial "页缓存游乐场"
}

@test "playground: L rewrites the log already written in the other language, and back" {
    run timeout -s KILL 60 "$BIN" --keys "<PgDn><PgDn>x<PgDn>r<Dump>L<Dump>L<Dump>" --size 100x40 playground
    assert_success
    # The dumps in order (the last screen is dumped again at exit): English,
    # the same entry in Chinese, English again.
    local -a dumps
    mapfile -t dumps < <(awk '/SIGBUS \(BUS_ADRERR\) at page 48/ { print "en" }
                              /SIGBUS（BUS_ADRERR），第 48 页/ { print "zh" }' <<<"$output")
    assert_equal "${dumps[*]:0:3}" "en zh en"
}

@test "playground: mprotect read-only then a write is a caught SIGSEGV (SEGV_ACCERR)" {
    play "m<Dump>W<Dump>mW"
    assert_success
    assert_output --regexp "mprotect\(0x[0-9a-f]+, 262144, PROT_READ\) = 0"
    assert_output --regexp "--- SIGSEGV \{si_code=SEGV_ACCERR, si_addr=0x[0-9a-f]+\} ---"
    assert_output --partial "the mapping is read-only (PROT_READ), so the write is refused"
    # writable again: the last write works
    assert_output --regexp "mprotect\(0x[0-9a-f]+, 262144, PROT_READ\|PROT_WRITE\) = 0"
    assert_output --regexp "store \*\(char \*\)0x[0-9a-f]+ = 'A'; pread"
}

@test "playground: a forked child's write is seen with MAP_SHARED, not with MAP_PRIVATE" {
    play "jf<Dump>Mf<Dump>W<Dump>"
    assert_success
    assert_output --regexp "fork\(\) = [0-9]+; child: store \*\(char \*\)0x[0-9a-f]+ = '\*', exit 0; parent: load = '\*'"
    assert_output --partial "The parent sees the child's '*': with MAP_SHARED"
    assert_output --regexp "mmap\(NULL, 262144, PROT_READ\|PROT_WRITE, MAP_PRIVATE, [0-9]+, 0\) = 0x"
    # the file holds '*' at page 1 now, so the private child writes '+'
    assert_output --partial "The parent does not see the child's '+' (it reads '*'): with MAP_PRIVATE"
    # a private write: C, and the file does not see it
    [[ $(cell 3 1) == "C" ]] || fail "private copy: $(grid_row 3 0)"
    assert_output --partial "The file still holds '*' (pread)"
}

@test "playground: without pagemap the mapped state is ? with the reason" {
    MMAPLAB_PAGEMAP=/nonexistent/pagemap play "r"
    assert_success
    assert_output --partial "cannot open /nonexistent/pagemap (No such file or directory): whether a page is mapped is shown as ?"
    [[ $(cell 1 0) == "?" ]] || fail "a cached page with no pagemap is ?: $(grid_row 1 0)"
}

@test "playground: a scenario records predictions and results in the progress file" {
    # 03-truncate-sigbus: answer a) then b) then b) then a)
    play "<Enter><Dump><Enter><Down><Enter><Dump><Enter><Down><Enter><Enter><Enter><Enter><Dump>" --scenario 03-truncate-sigbus
    assert_success
    assert_output --partial "Scenario: Shrinking a mapped file: SIGBUS past the new end (step 1 of 4)"
    assert_output --partial "Not quite. Truncation removes the pages"
    assert_output --partial "Right. Any access, read or write"
    assert_output --partial "This machine did what the step expects."
    refute_output --partial "This machine did otherwise"
    assert_output --partial "Scenario done: 3 of 4 predictions right"
    local state=$BATS_TEST_TMPDIR/.mmaplab/state
    run cat "$state"
    assert_line "predict 03-truncate-sigbus.1 1 0"
    assert_line "predict 03-truncate-sigbus.2 2 1"
    assert_line "predict 03-truncate-sigbus.3 2 1"
    assert_line "predict 03-truncate-sigbus.4 1 1"
    assert_line "played 03-truncate-sigbus 3 4"
    # the file still loads: the browser starts without a "damaged" warning
    run timeout -s KILL 30 "$BIN" --keys "" --size 80x24
    assert_success
    refute_output --partial "damaged"
}

@test "playground: every scenario runs to its end and this machine does what each step expects" {
    local s name
    for s in "$ROOT"/lessons/scenarios/en/*.txt; do
        name=$(basename "$s" .txt)
        play "$(printf '<Enter>%.0s' $(seq 1 20))" --scenario "$name"
        assert_success
        assert_output --partial "Scenario done:"
        if [[ $name == 02-* ]]; then skip_on_tmpfs; fi
        if grep -q "This machine did otherwise" <<<"$output"; then
            fail "$name: $(grep "This machine did otherwise" <<<"$output" | head -n 1)"
        fi
    done
}

@test "playground: the scenario is shown in Chinese with --lang zh" {
    run timeout -s KILL 60 "$BIN" --lang zh --keys "<Enter>" --size 100x40 playground --scenario 03-truncate-sigbus
    assert_success
    assert_output --partial "场景：缩短已映射的文件：越过新结尾处会收到 SIGBUS（第 1 步，共 4 步）"
    assert_output --partial "本机的结果与这一步的预期一致。"
}

@test "playground: a missing FILE, an unknown scenario and bad usage are clear errors" {
    run "$BIN" --keys "" playground "$BATS_TEST_TMPDIR/no-such-file"
    assert_failure 1
    assert_output "mmaplab playground: cannot open $BATS_TEST_TMPDIR/no-such-file: No such file or directory"
    run "$BIN" --keys "" playground --scenario 99-nothing
    assert_failure 1
    assert_output "mmaplab playground: no such scenario: 99-nothing"
    run "$BIN" --keys "" playground a b
    assert_failure 2
    assert_output --partial "usage: mmaplab playground [--scenario NAME] [FILE]"
    run "$BIN" playground </dev/null
    assert_failure 2
    assert_output --partial "needs a terminal"
}

@test "playground on tmpfs: says so, and explains why fadvise DONTNEED drops nothing there" {
    [[ -d /dev/shm && -w /dev/shm ]] || skip "no writable /dev/shm here"
    local f
    f=$(mktemp /dev/shm/mmaplab-pg.XXXXXX)
    head -c 65536 /dev/zero >"$f"
    play "t<Dump>d<Dump>D<Dump>" "$f"
    rm -f "$f"
    assert_success
    assert_output --partial "This file is on tmpfs: the page cache is its only copy"
    [[ $(cell 1 3) == "M" ]] || fail "touched pages are mapped: $(grid_row 1 0)"
    [[ $(cell 2 3) == "c" ]] || fail "DONTNEED keeps tmpfs pages cached: $(grid_row 2 0)"
    [[ $(cell 3 3) == "c" ]] || fail "fadvise cannot drop tmpfs pages: $(grid_row 3 0)"
    assert_output --partial "Nothing left the cache: on tmpfs the page cache is the file's only copy"
}

@test "playground: a FILE of the user's is mapped, and is not removed" {
    local f=$BATS_TEST_TMPDIR/mine.txt
    printf 'hello\n' >"$f"
    play "r" "$f"
    assert_success
    assert_output --partial "file 6 bytes, page"
    assert_output --partial "mapping 1 pages"
    assert_output --regexp "load \*\(char \*\)0x[0-9a-f]+ = 'h'"
    [[ -f $f ]]
}

@test "a lesson's scenario link opens the playground in that scenario" {
    local d=$BATS_TEST_TMPDIR/data
    mkdir -p "$d/lessons/en" "$d/labs"
    cp "$ROOT/labs/manifest" "$d/labs/"
    cp -r "$ROOT/lessons/scenarios" "$d/lessons/"
    printf '# First\n\nTry [the scenario](../scenarios/en/01-dontneed-keeps-cache.txt).\n' >"$d/lessons/en/01-first.md"
    run env MMAPLAB_DATA="$d" timeout -s KILL 30 "$BIN" --keys "<Enter><Tab><Enter>" --size 100x40
    assert_success
    assert_output --partial "Playground: MADV_DONTNEED drops page-table entries, not the page cache"
    assert_output --partial "Scenario: MADV_DONTNEED drops page-table entries, not the page cache (step 1 of 3)"
}

@test "the browser opens the playground with P, and the help lists its keys" {
    run timeout -s KILL 30 "$BIN" --keys "P<Dump>q?$(printf 'j%.0s' $(seq 1 40))" --size 100x40
    assert_success
    assert_output --partial "Page-cache playground"
    assert_output --partial "playground: madvise(MADV_DONTNEED) the range"
    assert_output --partial "playground: fork a child that writes the page under the cursor"
    # a playground key elsewhere says where it works
    run timeout -s KILL 30 "$BIN" --keys "d" --size 80x24
    assert_output --partial "that key works in the playground (P opens it)"
}

# Golden screens with what varies removed: addresses, the file line, counters.
normalise() {
    sed -E 's/(^|[^0-9A-Za-z])0x[0-9a-f]+/\10xADDR/g; s/(ftruncate|fadvise64)\([0-9]+,/\1(FD,/g; s/, [0-9]+, 0\) =/, FD, 0) =/g' |
        sed -E 's/^(VmRSS|没有|no \/proc).*/<counters>/; s/^(  pages cached|  已缓存页).*/<change>/' |
        awk '/^--- screen/ { print; getline; print; skip = 1; print "<file>"; next }
             skip && /^(file |文件 )/ { skip = 0 }
             !skip { print }'
}

golden() {
    local name=$1
    assert_success
    # the screens hold this machine's page size and a cold disk cache
    [[ $(getconf PAGESIZE) == 4096 ]] || skip "golden screens assume 4 KiB pages"
    skip_on_tmpfs
    local got
    got=$(normalise <<<"$output")
    if [[ ${UPDATE_GOLDEN:-0} == 1 ]]; then
        printf '%s\n' "$got" >"$GOLDEN/$name.txt"
        return 0
    fi
    [[ -f $GOLDEN/$name.txt ]] || fail "no golden file $GOLDEN/$name.txt (run with UPDATE_GOLDEN=1)"
    diff -u "$GOLDEN/$name.txt" <(printf '%s\n' "$got") || fail "screen $name differs from its golden file"
}

@test "golden: the SIGBUS after a shrink, 100x30, English and Chinese" {
    run timeout -s KILL 60 "$BIN" --keys "<PgDn><PgDn>x<PgDn>r" --size 100x30 playground
    golden playground-sigbus-100x30-en
    run timeout -s KILL 60 "$BIN" --lang zh --keys "<PgDn><PgDn>x<PgDn>r" --size 100x30 playground
    golden playground-sigbus-100x30-zh
}

@test "golden: a scenario step answered, 100x40, Chinese" {
    run timeout -s KILL 60 "$BIN" --lang zh --keys "<Down><Enter>" --size 100x40 playground --scenario 03-truncate-sigbus
    golden playground-scenario-100x40-zh
}

# The fuzz run: seeded random keys (actions, cursor, range, language,
# resizes) under the ASan + UBSan binary: no crash, no sanitizer report.
@test "fuzz: 3000 seeded random playground keys under ASan, no crash" {
    local asan=$BIN
    [[ $asan == */asan/* ]] || asan=$(dirname "$BIN")/asan/mmaplab
    [[ -x $asan ]] || skip "no ASan build next to $BIN (make asan)"
    local seed=${MMAPLAB_SEED:-4242} keys
    keys=$(awk -v seed="$seed" 'BEGIN {
        srand(seed)
        n = split("r|W|t|+|-|s|S|d|i|u|R|O|D|x|X|m|M|f|j|k|g|G|<PgDn>|<PgUp>|<Down>|<Up>|<Enter>|L|P|<Resize 40x12>|<Resize 100x40>|<Resize 20x6>", k, "|")
        for (i = 0; i < 3000; i++) printf "%s", k[int(rand() * n) + 1]
    }')
    run env ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
        timeout -s KILL 300 "$asan" --keys "$keys" --size 100x40 playground
    [[ $status -eq 0 ]] || fail "exit $status with seed $seed: $(grep -m3 -E 'ERROR|runtime error' <<<"$output")"
    refute_output --partial "AddressSanitizer"
    refute_output --partial "runtime error"
    assert_output --partial "--- screen"
}
