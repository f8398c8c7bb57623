#!/usr/bin/env bats
# make handout: the student tarball. Unpacked in a temporary folder it must
# hold what a student needs and no solution (no solutions/ folder, and no
# line that only the solutions have), build with make, check the untouched
# skeleton to a failing score, and run make test as a student's check of
# their labs.

load ../lib/batslibs
load_bats_libs bats-support bats-assert
# shellcheck source=tests/lib/outside_bats.bash
source "$BATS_TEST_DIRNAME/../lib/outside_bats.bash"

setup_file() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    VERSION=$(sed -n 's/^VERSION *:= *//p' "$ROOT/Makefile")
    NAME=mmaplab-handout-$VERSION
    TARBALL=$BATS_FILE_TMPDIR/b/handout/$NAME.tar.gz
    U=$BATS_FILE_TMPDIR/u/$NAME
    export ROOT VERSION NAME TARBALL U
    make -s -C "$ROOT" B="$BATS_FILE_TMPDIR/b" handout >/dev/null
    mkdir -p "$BATS_FILE_TMPDIR/u"
    tar -xzf "$TARBALL" -C "$BATS_FILE_TMPDIR/u"
    # Built the way a student builds it (the packages are installed).
    make -s -C "$U" -j"$(nproc)" all >"$BATS_FILE_TMPDIR/make.log" 2>&1 || true
}

# Trimmed lines of at least 24 characters of file $1 that are not in $2.
new_lines() {
    awk 'NR == FNR { sub(/^[ \t]+/, ""); sub(/[ \t\r]+$/, ""); seen[$0]; next }
         { sub(/^[ \t]+/, ""); sub(/[ \t\r]+$/, "") }
         length($0) >= 24 && !($0 in seen) && !out[$0]++' "$2" "$1"
}

# Lines of the solutions found nowhere a student may see them: not in the
# lab's skeleton and in no file of the project outside solutions/ and
# grading/ (chapters and hints may show a line on purpose). One file.
distinctive_lines() {
    local out=$1 sol skel
    : >"$out.cand"
    for sol in "$ROOT"/solutions/*/*.c; do
        skel=$ROOT/labs/${sol#"$ROOT"/solutions/}
        [[ -f $skel ]] || skel=/dev/null
        new_lines "$sol" "$skel" >>"$out.cand"
    done
    # Lines of the project that hold a candidate, then the candidates in
    # none of them.
    find "$ROOT" \( -path "$ROOT/solutions" -o -path "$ROOT/grading" -o -path "$ROOT/build" -o -path "$ROOT/.git" \
        -o -path "$ROOT/.mmaplab" \) -prune -o -type f -print0 |
        xargs -0 grep -hIFf "$out.cand" >"$out.hits" || true
    awk 'NR == FNR { hit[++n] = $0; next }
         { for (i = 1; i <= n; i++) if (index(hit[i], $0)) next; print }' "$out.hits" "$out.cand" >"$out"
}

@test "the tarball is one folder with what a student needs" {
    run tar -tzf "$TARBALL"
    assert_success
    # One top folder, named after the version.
    run grep -v "^$NAME/" <<<"$output"
    assert_output ""
    run tar -tzf "$TARBALL"
    local f
    for f in Makefile README.md scripts/deps tui/main.c labs/manifest labs/lab.mk labs/01-mapped-wc/mapwc.c \
        labs/01-mapped-wc/README.md labs/01-mapped-wc/HINTS.md lessons/en/04-reading.md tests/run \
        tests/lib/lab.bash tests/labs/01-mapped-wc.bats man/mmaplab.1 po/zh.po; do
        assert_line "$NAME/$f"
    done
}

@test "no solutions/, grading/, .git, build output or progress state" {
    run tar -tzf "$TARBALL"
    refute_line --regexp "^$NAME/(solutions|grading|build|\.git|\.mmaplab)(/|$)"
    refute_line --regexp '\.o$'
    [ ! -e "$U/solutions" ]
}

@test "no line that only the solutions have is anywhere in the handout" {
    local dl=$BATS_TEST_TMPDIR/distinctive sol
    distinctive_lines "$dl"
    # The detector works: it finds each solution by its own lines.
    for sol in "$ROOT"/solutions/*/*.c; do
        run grep -cFf "$dl" "$sol"
        assert_success
        ((output >= 5)) || fail "only $output distinctive lines in $sol"
    done
    run grep -rlFf "$dl" "$U"
    assert_output ""
}

@test "it builds with make" {
    run cat "$BATS_FILE_TMPDIR/make.log"
    [ -x "$U/build/mmaplab" ] || fail "make all failed: $output"
    [ -x "$U/build/tools/sandbox" ]
}

@test "mmaplab check 01 on the untouched skeleton: a failing score, not a crash" {
    [ -x "$U/build/mmaplab" ] || skip "the handout did not build (see the previous test)"
    cd "$U"
    run env -u MMAPLAB_DATA -u MMAPLAB_TOOLS -u MMAPLAB_WORKSPACE timeout -s KILL 300 ./build/mmaplab check 01
    assert_failure 1
    assert_output --partial "Lab 01 mapped-wc"
    assert_output --regexp "Score: [0-9]+/20 \([0-9]+ passed, [1-9][0-9]* failed"
    refute_output --partial "Score: 20/20"
}

@test "make test in the handout checks the student's labs: a solved lab passes, an untouched one fails" {
    [ -x "$U/build/mmaplab" ] || skip "the handout did not build (see the previous test)"
    local clean=(outside_bats LANG=C.UTF-8)
    cp "$ROOT/solutions/03-page-window/window.c" "$U/labs/03-page-window/window.c"
    run "${clean[@]}" timeout -s KILL 300 make -s -C "$U" test LABS=03
    assert_success
    assert_output --partial "No solutions/ here"
    assert_line --regexp '^tests: [1-9][0-9]* passed, 0 failed$'

    run "${clean[@]}" timeout -s KILL 300 make -s -C "$U" test LABS=02
    assert_failure
    assert_line --regexp '^tests: [0-9]+ passed, [1-9][0-9]* failed$'

    run "${clean[@]}" make -s -C "$U" test LABS=99
    assert_failure
    assert_output --partial "lab 99 is not in labs/manifest"
}
