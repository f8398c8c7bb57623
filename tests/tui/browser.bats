#!/usr/bin/env bats
# The browser, headless: scripted keys and screen dumps compared with golden
# files (tests/tui/golden/*.txt). After an intended change to the screens,
# regenerate them with: UPDATE_GOLDEN=1 bats tests/tui/browser.bats

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    # An empty workspace: no saved progress changes what the screens show.
    export MMAPLAB_DATA=$ROOT MMAPLAB_WORKSPACE=$BATS_TEST_TMPDIR LANG=C.UTF-8 LC_ALL=C.UTF-8
    unset NO_COLOR
    GOLDEN=$BATS_TEST_DIRNAME/golden
}

# screen NAME LANG SIZE KEYS: compare a headless run with golden/NAME.txt.
screen() {
    local name=$1 lang=$2 size=$3 keys=$4
    run timeout -s KILL 30 "$BIN" --lang "$lang" --keys "$keys" --size "$size"
    assert_success
    if [[ ${UPDATE_GOLDEN:-0} == 1 ]]; then
        printf '%s\n' "$output" >"$GOLDEN/$name.txt"
        return 0
    fi
    [[ -f $GOLDEN/$name.txt ]] || fail "no golden file $GOLDEN/$name.txt (run with UPDATE_GOLDEN=1)"
    diff -u "$GOLDEN/$name.txt" <(printf '%s\n' "$output") || fail "screen $name differs from its golden file"
}

@test "contents, 80x24, English" { screen contents-80x24-en en 80x24 "jj"; }
@test "contents, 40x12, Chinese" { screen contents-40x12-zh zh 40x12 "jjjj"; }
@test "a lesson, 80x24, English, scrolled" { screen lesson-80x24-en en 80x24 "jjjjjj<Enter><PgDn>jj"; }
@test "a lesson, 40x12, Chinese" { screen lesson-40x12-zh zh 40x12 "jjjjjj<Enter><PgDn>"; }
@test "a lab, 80x24, English" { screen lab-80x24-en en 80x24 "jjj<Enter>l"; }
@test "a lab with two hints, 40x12, English" { screen lab-hints-40x12-en en 40x12 "jjj<Enter>lhh<End>"; }
@test "help, 80x24 and 40x12, English and Chinese" {
    screen help-80x24-en en 80x24 "?"
    screen help-40x12-en en 40x12 "?"
    screen help-80x24-zh zh 80x24 "?"
    screen help-40x12-zh zh 40x12 "?"
}

@test "a lab with check results, 80x24, English" {
    # The skeleton's failures, with a fixed seed so the messages repeat.
    MMAPLAB_WORKSPACE=$BATS_TEST_TMPDIR/ws
    "$BIN" init "$MMAPLAB_WORKSPACE" >/dev/null
    MMAPLAB_SEED=7 screen lab-results-80x24-en en 80x24 "jjjjj<Enter>lc<Dump>jjjjjj"
}
@test "the too-small screen, and back to normal after growing" {
    screen too-small en 80x24 "<Resize 20x5><Dump><Resize 80x24>"
}

@test "a quiz, 80x24, Chinese: a question answered" { screen quiz-80x24-zh zh 80x24 "jjjjjj<Enter>aj<Enter>"; }

@test "answering a whole quiz gives a score that is saved in progress" {
    local keys="jjjjjj<Enter>a" n
    # The right answer is not always the first option: answer each with the
    # first one, and compare with the count of questions whose answer is a).
    for n in 1 2 3 4 5 6; do keys+="<Enter><Enter>"; done
    run timeout -s KILL 30 "$BIN" --keys "$keys" --size 80x24
    assert_success
    local want
    want=$(awk '/^```quiz/ { q = 1; next } /^```/ { q = 0 } q && /^- \[/ { i++; if ($0 ~ /^- \[x\]/ && i == 1) r++ } q && /^Q:/ { i = 0 } END { print r + 0 }' "$ROOT/lessons/en/07-sigbus.md")
    assert_output --partial "You answered $want of 5 questions right."
    run grep -x "quiz 07-sigbus.md $want 5" "$MMAPLAB_WORKSPACE/.mmaplab/state"
    assert_success
}

@test "search, 80x24, English" { screen search-80x24-en en 80x24 "/MS_ASYNC<Enter>nn"; }
@test "search, 40x12, Chinese" { screen search-40x12-zh zh 40x12 "/页缓存<Enter>n"; }

@test "search walks through hits with n and N, across chapters, and says when nothing matches" {
    run timeout -s KILL 30 "$BIN" --keys "/ms_async<Enter><Dump>n<Dump>N<Dump>/zzqqxx<Enter>" --size 80x24
    assert_success
    assert_output --regexp 'match 1 of [0-9]+ for "ms_async"'
    assert_output --regexp 'match 2 of [0-9]+ for "ms_async"'
    assert_output --partial 'no match for "zzqqxx"'
    # The hits are lines that really hold the word (case ignored).
    local n
    n=$(sed -n 's/.*match 1 of \([0-9]*\) for.*/\1/p' <<<"$output" | head -1)
    [ "$n" -ge 10 ]
}

@test "search in Chinese finds Chinese text; an empty search clears it" {
    run timeout -s KILL 30 "$BIN" --lang zh --keys "/页缓存<Enter><Dump>/<Enter>" --size 80x24
    assert_success
    assert_output --regexp '“页缓存”的第 1 个结果'
    assert_output --partial "已清除搜索"
}

@test "Tab selects a link and Enter follows it: a lab link opens the lab" {
    # Chapter 6 ends with its lab link; select links from the end.
    run timeout -s KILL 30 "$BIN" --keys "jjjjj<Enter>G<Up><Up><Up><Up><Up><Up><Tab><Dump><Enter>" --size 80x24
    assert_success
    assert_output --partial "link: ../../labs/03-page-window/README.md"
    assert_output --partial "Lab 03 page-window"
}

@test "a link to another chapter jumps to its anchor; an outside link is named, not opened" {
    # A small course of its own, so the links sit where the test expects.
    local d=$BATS_TEST_TMPDIR/data
    mkdir -p "$d/lessons/en" "$d/labs"
    cp "$ROOT/labs/manifest" "$d/labs/"
    printf '# First\n\nSee [the second part](02-second.md#deep-section) or [man](https://man7.org/x).\n' >"$d/lessons/en/01-first.md"
    { printf '# Second\n\n'; for n in $(seq 1 40); do printf 'filler line %s\n\n' "$n"; done; printf '## Deep section\n\nArrived.\n'; } >"$d/lessons/en/02-second.md"
    run env MMAPLAB_DATA="$d" timeout -s KILL 30 "$BIN" --keys "<Enter><Tab><Enter><Dump>q<Enter><Tab><Tab><Enter>" --size 60x20
    assert_success
    assert_output --partial "Deep section"
    assert_output --partial "Arrived."
    assert_output --partial "outside link, open it in a web browser: https://man7.org/x"
}

@test "Tab on a screen without links says so" {
    run timeout -s KILL 30 "$BIN" --keys "<Enter><Tab>" --size 80x24
    assert_success
    assert_output --regexp "(no link on this screen|link: )"
}

@test "LANG=C: only ASCII reaches the terminal, with a note that Chinese needs UTF-8" {
    run env LANG=C LC_ALL=C timeout -s KILL 30 "$BIN" --lang zh --keys "<Dump>jjj<Enter>L<Dump>" --size 80x24
    assert_success
    assert_output --partial "Chinese needs a UTF-8 locale"
    run bash -c "printf '%s' \"\$1\" | LC_ALL=C grep -c -P '[\\x80-\\xff]'" _ "$output"
    assert_output 0
}

@test "a 1x1 terminal and absurd sizes do not crash" {
    local s
    for s in 1x1 2x1 1x3 29x7 30x8; do
        run timeout -s KILL 30 "$BIN" --keys "jj<Enter>jj<PgDn>?q<Enter>" --size "$s"
        assert_success
    done
}

@test "a resize keeps the reading position" {
    # Scroll into a chapter at 80x24, then narrow it: the top block stays.
    run timeout -s KILL 30 "$BIN" --keys "jjjjjj<Enter><PgDn><PgDn><Dump><Resize 50x24>" --size 80x24
    assert_success
    local wide narrow
    wide=$(sed -n '/^--- screen 1/,/^--- screen 2/p' <<<"$output" | sed -n 3p)
    narrow=$(sed -n '/^--- screen 2/,$p' <<<"$output" | sed -n 3p)
    [ -n "$wide" ]
    # The words at the top of the narrow screen were on the wide screen.
    local words
    words=$(tr -d '│|┌┐└┘├┤┬┴┼─═' <<<"$narrow" | awk '{ print $1, $2 }')
    [ -n "$words" ]
    grep -qF -- "$words" <<<"$(sed -n '/^--- screen 1/,/^--- screen 2/p' <<<"$output" | tr -s ' ')" ||
        fail "top line moved: '$wide' became '$narrow'"
}

@test "n and p move between chapters, q goes back, Q quits" {
    run timeout -s KILL 30 "$BIN" --keys "<Enter>n<Dump>p<Dump>q<Dump>Q" --size 80x24
    assert_success
    assert_output --partial "(2/14"
    assert_output --partial "(1/14"
    assert_output --partial "Contents"
}

@test "a lesson's lab opens with l" {
    run timeout -s KILL 30 "$BIN" --keys "jjj<Enter>l" --size 80x24
    assert_success
    assert_output --partial "Lab 01 mapped-wc"
}

@test "an unknown key says so in the status bar" {
    run timeout -s KILL 30 "$BIN" --keys "z" --size 80x24
    assert_success
    assert_output --partial "no action on key z"
}

@test "a bad key script or size is refused with a message" {
    run "$BIN" --keys "<Nope>" --size 80x24
    [ "$status" -eq 2 ]
    assert_output --partial "unknown key <Nope>"
    run "$BIN" --keys "j" --size 80
    [ "$status" -eq 2 ]
    assert_output --partial "--size takes WIDTHxHEIGHT"
}

@test "random keys and resize storms never crash (fuzz)" {
    local script="" k keys=(j k j j "<Enter>" "<PgDn>" "<PgUp>" q n p l h a "?" g G "<End>" "<Home>" L "<Esc>" z " " "/map<Enter>" N "/<Enter>" "<Tab>" "<Tab><Enter>")
    local n
    for n in $(seq 1 1500); do
        k=${keys[RANDOM % ${#keys[@]}]}
        ((RANDOM % 25 == 0)) && k="<Resize $((RANDOM % 120 + 1))x$((RANDOM % 50 + 1))>"
        # Never quit the whole program early.
        [[ $k == Q ]] && k=j
        script+=$k
    done
    run timeout -s KILL 120 "$BIN" --keys "$script" --size 80x24
    assert_success
    refute_output --partial "ERROR: AddressSanitizer"
    refute_output --partial "runtime error"
}

@test "a non-terminal stdout gets the course list instead of curses" {
    run bash -c "'$BIN' </dev/null | cat"
    assert_success
    assert_output --partial "Labs (mmaplab check ID):"
}
