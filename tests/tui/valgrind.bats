#!/usr/bin/env bats
# The browser under valgrind: a scripted headless session that goes through
# every screen must end with no memory error and no leaked block. (The ASan
# build is checked by ASan's own leak checker; valgrind cannot run it.)

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    command -v valgrind >/dev/null || skip "valgrind is not installed (scripts/deps test)"
    if grep -qa __asan_init "$BIN"; then
        skip "an ASan build: valgrind cannot run it (ASan checks its leaks itself)"
    fi
    export MMAPLAB_DATA=$ROOT MMAPLAB_WORKSPACE=$BATS_TEST_TMPDIR LANG=C.UTF-8 LC_ALL=C.UTF-8
}

# vg ARGS...: run mmaplab under valgrind; its report goes to $VGLOG.
vg() {
    VGLOG=$BATS_TEST_TMPDIR/valgrind.log
    run timeout -s KILL 600 valgrind --quiet --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --track-origins=yes \
        --log-file="$VGLOG" "$BIN" "$@"
}

# assert_clean: no error and no leak in the valgrind report.
assert_clean() {
    if ((status != 0)) || grep -qE 'definitely lost|indirectly lost|Invalid |uninitialised|Mismatched' "$VGLOG"; then
        cat "$VGLOG" >&2
        fail "valgrind found errors or leaks (status $status)"
    fi
}

@test "a whole browser session under valgrind: no memory error, no leak" {
    # Chapter 7: scroll, search and walk the hits, start its quiz and answer
    # two questions, back, its lab with a hint, the help, Chinese, back to
    # the contents (the last screen is printed when the script ends).
    local keys="jjjjjj<Enter><PgDn>jjk<End><Home>/mmap<Enter>nnN<Dump>"
    keys+="a<Enter><Enter>j<Enter><Enter><Dump>q"
    keys+="l<Down>h<PgDn><Dump>q?qL<PgDn>jj/页缓存<Enter>nq"
    vg --keys "$keys" --size 80x24
    assert_clean
    # The session really went through the screens.
    assert_output --regexp 'match [0-9]+ of [0-9]+ for "mmap"'
    assert_output --partial 'Lab 0'
    assert_output --partial '目录'
    # and the quit key, which leaves without a last screen.
    vg --keys "jjj<Enter>lQ" --size 80x24
    assert_clean
}

@test "a narrow screen, resizes and the contents in Chinese under valgrind" {
    vg --lang zh --keys "jj<Enter>G<Resize 30x10>gg<Resize 120x40>L<Dump>qjjj<Enter>l<Resize 1x1><Dump><Resize 80x24>" --size 40x12
    assert_clean
}

@test "mmaplab show and list under valgrind" {
    vg show --width 60 7
    assert_clean
    assert_output --partial "SIGBUS"
    vg list
    assert_clean
}
