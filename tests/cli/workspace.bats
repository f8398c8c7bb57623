#!/usr/bin/env bats
# A learner's workspace: init, progress, hint, reset, watch, and the
# progress file surviving crashes.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    export MMAPLAB_DATA=$ROOT MMAPLAB_TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
    WS=$BATS_TEST_TMPDIR/ws
    cd "$BATS_TEST_TMPDIR" || return 1
}

@test "init makes a workspace with every lab, and refuses a non-empty folder" {
    run "$BIN" init "$WS"
    assert_success
    [ -f "$WS/labs/manifest" ]
    [ -f "$WS/labs/lab.mk" ]
    [ -f "$WS/labs/01-mapped-wc/mapwc.c" ]
    cmp "$WS/labs/01-mapped-wc/mapwc.c" "$ROOT/labs/01-mapped-wc/mapwc.c"
    run "$BIN" init "$WS"
    assert_failure
    assert_output --partial "is not empty"
}

@test "check inside a workspace uses the workspace's files" {
    "$BIN" init "$WS" >/dev/null
    cp "$ROOT/solutions/03-page-window/window.c" "$WS/labs/03-page-window/"
    cd "$WS/labs/03-page-window"
    run "$BIN" check 03
    assert_success
    assert_output --partial "Score: 20/20"
}

@test "hint shows one more hint each time and remembers it; progress lists it" {
    "$BIN" init "$WS" >/dev/null
    cd "$WS"
    run "$BIN" hint 01
    assert_success
    assert_output --partial "Hint 1"
    assert_output --partial "(Hint 1 of"
    run "$BIN" hint 01
    assert_output --partial "Hint 2"
    run "$BIN" progress
    assert_success
    assert_output --regexp "01  mapped-wc +not checked +2 hints seen"
    grep -qx "hints 01 2" "$WS/.mmaplab/state"
}

@test "reset asks first, then restores the skeleton and keeps a backup" {
    "$BIN" init "$WS" >/dev/null
    cd "$WS"
    echo "/* my work */" >"$WS/labs/02-shared-write/mapwrite.c"
    run bash -c "echo no | '$BIN' reset 02"
    assert_failure
    assert_output --partial "Nothing changed"
    grep -q "my work" "$WS/labs/02-shared-write/mapwrite.c"
    run bash -c "echo yes | '$BIN' reset 02"
    assert_success
    cmp "$WS/labs/02-shared-write/mapwrite.c" "$ROOT/labs/02-shared-write/mapwrite.c"
    grep -q "my work" "$WS"/labs/02-shared-write/mapwrite.c.bak-*
}

@test "a damaged progress file is set aside with a warning, never a crash" {
    "$BIN" init "$WS" >/dev/null
    mkdir -p "$WS/.mmaplab"
    printf 'mmaplab-progress 1\nlab 01 2' >"$WS/.mmaplab/state"
    cd "$WS"
    run "$BIN" progress
    assert_success
    assert_output --partial "damaged progress file"
    ls "$WS"/.mmaplab/state.corrupt-* >/dev/null
    head -c 3000 /dev/urandom >"$WS/.mmaplab/state"
    run "$BIN" --keys "<Dump>jj<Enter>q" --size 80x24
    assert_success
    assert_output --partial "damaged progress file"
}

@test "SIGKILL during saves never leaves a damaged progress file" {
    "$BIN" init "$WS" >/dev/null
    cd "$WS"
    # Every scroll to a chapter's end saves; kill the program at random
    # moments while it does so, many times.
    local keys=""
    for _ in $(seq 1 40); do keys+="<Enter>G<End>q j"; done
    for _ in $(seq 1 60); do
        "$BIN" --keys "$keys" --size 80x24 >/dev/null 2>&1 &
        local pid=$!
        sleep "0.0$((RANDOM % 9))$((RANDOM % 10))"
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        if [[ -f $WS/.mmaplab/state ]]; then
            run "$BIN" progress
            refute_output --partial "damaged"
        fi
    done
    if compgen -G "$WS/.mmaplab/state.corrupt-*" >/dev/null; then
        fail "a healthy progress file was set aside as damaged: $(ls "$WS"/.mmaplab/state.corrupt-*)"
    fi
}

@test "watch checks again when the student file changes" {
    "$BIN" init "$WS" >/dev/null
    cd "$WS"
    timeout -s KILL 240 "$BIN" watch --max-checks 2 --poll 0.5 03 >"$BATS_TEST_TMPDIR/watch.out" 2>&1 &
    local pid=$! i
    for ((i = 0; i < 2400; i++)); do
        grep -q "Watching" "$BATS_TEST_TMPDIR/watch.out" && break
        sleep 0.05
    done
    cp "$ROOT/solutions/03-page-window/window.c" "$WS/labs/03-page-window/window.c"
    wait "$pid"
    run cat "$BATS_TEST_TMPDIR/watch.out"
    assert_output --partial "=== check 1 of lab 03 ==="
    assert_output --partial "=== check 2 of lab 03 ==="
    assert_output --partial "Score: 20/20"
}

@test "hint, reset and watch refuse unknown labs and bad usage" {
    run "$BIN" hint 99
    [ "$status" -eq 2 ]
    assert_output --partial "no lab '99'"
    run "$BIN" reset
    [ "$status" -eq 2 ]
    run "$BIN" watch
    [ "$status" -eq 2 ]
    run "$BIN" progress extra
    [ "$status" -eq 2 ]
}
