#!/usr/bin/env bats
# The real program in a real terminal (tmux): start, navigate, check a lab,
# resize storms, signals, and the terminal left as it was found.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    command -v tmux >/dev/null || skip "tmux is not installed"
    SOCK="mmaplab-test-$$-$BATS_TEST_NUMBER"
    OUT=$BATS_TEST_TMPDIR/out
    # A workspace of its own, so progress from other runs changes nothing.
    WS=$BATS_TEST_TMPDIR/ws
    MMAPLAB_DATA=$ROOT "$BIN" init "$WS" >/dev/null
}

teardown() {
    tmux -L "$SOCK" kill-server 2>/dev/null || true
}

t() { tmux -L "$SOCK" "$@"; }

# wait_for TEXT [SECONDS]: poll the screen until TEXT shows (no fixed sleeps).
wait_for() {
    local text=$1 limit=${2:-20} i
    for ((i = 0; i < limit * 20; i++)); do
        t capture-pane -p -t main | grep -qF -- "$text" && return 0
        sleep 0.05
    done
    echo "timed out waiting for: $text" >&2
    t capture-pane -p -t main >&2
    return 1
}

start() {
    # The shell records the terminal settings before and after the program.
    t new-session -d -s main -x "${1:-80}" -y "${2:-24}" \
        "stty -g > '$OUT.before'; MMAPLAB_DATA='$ROOT' MMAPLAB_WORKSPACE='$WS' LANG=C.UTF-8 '$BIN' ${3:-}; echo \"EXITED:\$?\"; stty -g > '$OUT.after'; sleep 60"
}

@test "start, open a chapter, go back, quit: the terminal is restored" {
    start
    wait_for "Chapters"
    t send-keys -t main j j Enter
    wait_for "(3/14"
    t send-keys -t main q
    wait_for "Contents"
    t send-keys -t main q
    wait_for "EXITED:0"
    [ "$(cat "$OUT.before")" = "$(cat "$OUT.after")" ]
}

@test "a lab check runs from the lab screen and shows each test" {
    start 100 30
    wait_for "Chapters"
    t send-keys -t main j j j Enter
    wait_for "(4/14"
    t send-keys -t main l
    wait_for "Lab 01"
    t send-keys -t main c
    wait_for "points" 120
    t send-keys -t main G
    run t capture-pane -p -t main
    assert_output --regexp "(GOOD|BAD)"
    t send-keys -t main Q
    wait_for "EXITED:0"
}

@test "e opens the lab's file in \$EDITOR with curses suspended, then checks it" {
    # The "editor" puts the solution in place, as a student would by typing.
    cat >"$BATS_TEST_TMPDIR/editor" <<SH
#!/bin/sh
cp "$ROOT/solutions/03-page-window/window.c" "\$1"
SH
    chmod +x "$BATS_TEST_TMPDIR/editor"
    t new-session -d -s main -x 100 -y 30 \
        "stty -g > '$OUT.before'; EDITOR='$BATS_TEST_TMPDIR/editor' MMAPLAB_DATA='$ROOT' MMAPLAB_WORKSPACE='$WS' LANG=C.UTF-8 '$BIN'; echo \"EXITED:\$?\"; stty -g > '$OUT.after'; sleep 60"
    wait_for "Chapters"
    t send-keys -t main j j j j j Enter
    wait_for "(6/14"
    t send-keys -t main l
    wait_for "Lab 03"
    t send-keys -t main e
    wait_for "Lab 03: 20/20 points" 180
    cmp "$WS/labs/03-page-window/window.c" "$ROOT/solutions/03-page-window/window.c"
    t send-keys -t main Q
    wait_for "EXITED:0"
    [ "$(cat "$OUT.before")" = "$(cat "$OUT.after")" ]
}

@test "w watch mode checks again when the file is saved from outside" {
    start 100 30
    wait_for "Chapters"
    t send-keys -t main j j j j j Enter
    wait_for "(6/14"
    t send-keys -t main l
    wait_for "Lab 03"
    t send-keys -t main w
    wait_for "watch mode on"
    cp "$ROOT/solutions/03-page-window/window.c" "$WS/labs/03-page-window/window.c"
    wait_for "Lab 03: 20/20 points" 180
    t send-keys -t main w
    wait_for "watch mode off"
    t send-keys -t main Q
    wait_for "EXITED:0"
}

@test "a storm of resizes, then still responsive" {
    start
    wait_for "Chapters"
    t send-keys -t main j j j Enter
    local s
    for s in 40x12 120x40 20x5 1x1 80x24 31x9 200x60 60x20; do
        t resize-window -t main -x "${s%x*}" -y "${s#*x}"
    done
    t resize-window -t main -x 80 -y 24
    # tmux applies a pane's new size on its own schedule, so the key may
    # reach the program while it still shows the too-small screen, which
    # ignores keys by design. Responsive means: a key sent once the storm
    # has passed is answered; help opened twice is still help.
    for _ in 1 2 3 4 5; do
        t send-keys -t main '?'
        wait_for "Keys" 4 2>/dev/null && break
    done
    wait_for "Keys"
    t send-keys -t main Q
    wait_for "EXITED:0"
    [ "$(cat "$OUT.before")" = "$(cat "$OUT.after")" ]
}

@test "SIGTERM and SIGINT end the program and restore the terminal" {
    local sig
    for sig in TERM INT; do
        # A server of its own per signal: starting one on the socket of a
        # server still shutting down can fail ("server exited unexpectedly").
        SOCK="mmaplab-test-$$-$BATS_TEST_NUMBER-$sig"
        start
        wait_for "Chapters"
        # Only this session's program: other tests may run a browser too.
        local shell pid
        shell=$(t list-panes -t main -F '#{pane_pid}')
        pid=$(pgrep -P "$shell" | head -1)
        [ -n "$pid" ] || fail "cannot find the browser under the tmux shell $shell"
        kill -"$sig" "$pid"
        wait_for "EXITED:"
        [ "$(cat "$OUT.before")" = "$(cat "$OUT.after")" ]
        t kill-server
    done
}

@test "TERM=dumb falls back to the course list with a message" {
    run env TERM=dumb MMAPLAB_DATA="$ROOT" timeout -s KILL 20 script -qec "'$BIN'" /dev/null </dev/null
    assert_output --partial "cannot show the browser"
    assert_output --partial "Labs (mmaplab check ID):"
}
