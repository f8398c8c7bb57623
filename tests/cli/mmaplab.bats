#!/usr/bin/env bats
# The mmaplab command line: help, version, list, check, errors.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    export MMAPLAB_TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
    cd "$BATS_TEST_TMPDIR" || return 1
}

# A copy of the project data to break on purpose.
copy_data() {
    DATA=$BATS_TEST_TMPDIR/data
    mkdir -p "$DATA"
    cp -R "$ROOT/labs" "$ROOT/tests" "$DATA/"
    [[ -d $ROOT/lessons ]] && cp -R "$ROOT/lessons" "$DATA/"
    return 0
}

@test "--help lists the commands and exits 0" {
    run "$BIN" --help
    assert_success
    assert_output --partial "usage: mmaplab"
    assert_output --partial "check [LAB...]"
    assert_output --partial "list"
}

@test "--version prints the version" {
    run "$BIN" --version
    assert_success
    assert_output --regexp '^mmaplab [0-9]+\.[0-9]+\.[0-9]+'
}

@test "list shows every lab of the manifest, in order" {
    run "$BIN" list
    assert_success
    local want got
    want=$(awk '!/^#/ && NF { print $1 "-" $2 }' "$ROOT/labs/manifest")
    got=$(sed -n 's/^  \([0-9][0-9]*\)  \([^ ]*\) .* pts .*/\1-\2/p' <<<"$output")
    [ "$got" = "$want" ]
}

@test "an unknown command, option or language is refused with exit 2" {
    run "$BIN" frobnicate
    [ "$status" -eq 2 ]
    assert_output --partial "unknown command 'frobnicate'"
    run "$BIN" --bogus
    [ "$status" -eq 2 ]
    run "$BIN" --lang fr list
    [ "$status" -eq 2 ]
    assert_output --partial "--lang takes en or zh"
}

@test "check of an unknown lab names it and exits 2" {
    run "$BIN" check 99
    [ "$status" -eq 2 ]
    assert_output --partial "no lab '99'"
}

@test "check on an untouched skeleton fails with readable messages" {
    run "$BIN" check 03
    [ "$status" -eq 1 ]
    assert_output --partial "Lab 03 page-window"
    assert_output --partial "BAD "
    assert_output --partial "GOOD"
    assert_output --regexp "Score: [0-9]+/20"
    refute_output --partial "(in test file"
}

@test "check --root solutions passes with full points" {
    run "$BIN" check --root "$ROOT/solutions" 03
    assert_success
    assert_output --partial "Score: 20/20"
    refute_output --partial "BAD "
}

@test "check finds the workspace from the current folder and checks the student's files there" {
    copy_data
    cp "$ROOT/solutions/03-page-window/window.c" "$DATA/labs/03-page-window/window.c"
    cd "$DATA/labs/03-page-window"
    MMAPLAB_DATA=$ROOT run "$BIN" check 3
    assert_success
    assert_output --partial "Score: 20/20"
}

@test "a student file that does not compile is one failure showing the compiler's message" {
    copy_data
    echo 'int main(void) { return undeclared_thing; }' >"$DATA/labs/03-page-window/window.c"
    MMAPLAB_DATA=$ROOT MMAPLAB_WORKSPACE=$DATA run "$BIN" check 03
    [ "$status" -eq 1 ]
    assert_output --partial "did not build"
    assert_output --partial "undeclared_thing"
    [ "$(grep -c '^  BAD ' <<<"$output")" -eq 1 ]
}

@test "a missing student file is reported by name" {
    copy_data
    rm "$DATA/labs/03-page-window/window.c"
    MMAPLAB_DATA=$ROOT MMAPLAB_WORKSPACE=$DATA run "$BIN" check 03
    [ "$status" -eq 1 ]
    assert_output --partial "missing student file"
    assert_output --partial "window.c"
}

@test "a malformed manifest is a clear error naming the line" {
    copy_data
    printf '01 mapped-wc 04-reading\n' >"$DATA/labs/manifest"
    MMAPLAB_DATA=$DATA run "$BIN" list
    [ "$status" -eq 1 ]
    assert_output --partial "labs/manifest line 1"
}

@test "no data folder is a clear error saying what to set" {
    MMAPLAB_DATA=$BATS_TEST_TMPDIR/nowhere run "$BIN" list
    [ "$status" -eq 1 ]
    assert_output --partial "MMAPLAB_DATA"
}

@test "the points in labs/manifest equal the sum of each lab's test points" {
    local id slug points sum
    while read -r id slug _ points _; do
        [[ -z $id || $id == \#* ]] && continue
        sum=$(grep -oE '^@test "\[[0-9]+\]' "$ROOT/tests/labs/$id-$slug.bats" | tr -dc '0-9\n' | awk '{ s += $1 } END { print s + 0 }')
        [ "$sum" = "$points" ] || fail "lab $id: manifest says $points points, its tests add up to $sum"
    done <"$ROOT/labs/manifest"
}

@test "every lab has its README, HINTS with three hints, skeleton, solution and tests" {
    local id slug points files f
    while read -r id slug _ points files _; do
        [[ -z $id || $id == \#* ]] && continue
        local d=$id-$slug
        [ -f "$ROOT/labs/$d/README.md" ] || fail "labs/$d/README.md is missing"
        [ -f "$ROOT/labs/$d/Makefile" ] || fail "labs/$d/Makefile is missing"
        [ "$(grep -c '^## Hint [0-9]' "$ROOT/labs/$d/HINTS.md")" -ge 3 ] || fail "labs/$d/HINTS.md needs at least three '## Hint N' sections"
        [ -f "$ROOT/tests/labs/$d.bats" ] || fail "tests/labs/$d.bats is missing"
        for f in ${files//,/ }; do
            [ -f "$ROOT/labs/$d/$f" ] || fail "labs/$d/$f (student file) is missing"
            [ -f "$ROOT/solutions/$d/$f" ] || fail "solutions/$d/$f is missing"
            grep -q TODO "$ROOT/labs/$d/$f" || fail "labs/$d/$f has no TODO marker"
        done
    done <"$ROOT/labs/manifest"
}
