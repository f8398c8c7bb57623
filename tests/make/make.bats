#!/usr/bin/env bats
# The Makefile's promises: dependency messages, install and uninstall.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
}

@test "a missing package without root or sudo stops with one message naming the command" {
    MMAPLAB_DEPS_PRETEND_MISSING="tmux parallel" MMAPLAB_DEPS_NO_INSTALL=1 run "$ROOT/scripts/deps" test
    assert_failure
    assert_output "mmaplab: missing packages: tmux parallel. Install them with: sudo apt-get install -y tmux parallel"
}

@test "make stops on a missing build package before compiling anything" {
    MMAPLAB_DEPS_PRETEND_MISSING=libmd4c-dev MMAPLAB_DEPS_NO_INSTALL=1 \
        run make -s -C "$ROOT" B="$BATS_TEST_TMPDIR/b" all
    assert_failure
    assert_output --partial "missing packages: libmd4c-dev"
    [ ! -e "$BATS_TEST_TMPDIR/b/mmaplab" ]
}

@test "make's own packages include bats and its libraries: c and mmaplab check need them" {
    MMAPLAB_DEPS_PRETEND_MISSING="bats bats-assert" MMAPLAB_DEPS_NO_INSTALL=1 run "$ROOT/scripts/deps" build
    assert_failure
    assert_output "mmaplab: missing packages: bats bats-assert. Install them with: sudo apt-get install -y bats bats-assert"
}

@test "as root, a missing package is installed with apt-get" {
    [ "$(id -u)" = 0 ] || skip "needs root"
    mkdir -p "$BATS_TEST_TMPDIR/bin"
    cat >"$BATS_TEST_TMPDIR/bin/apt-get" <<SH
#!/bin/sh
echo "\$*" >>"$BATS_TEST_TMPDIR/apt.log"
SH
    chmod +x "$BATS_TEST_TMPDIR/bin/apt-get"
    PATH=$BATS_TEST_TMPDIR/bin:$PATH MMAPLAB_DEPS_PRETEND_MISSING=tmux run "$ROOT/scripts/deps" test
    assert_success
    run cat "$BATS_TEST_TMPDIR/apt.log"
    assert_output --partial "install -y -qq tmux"
}

@test "nothing is missing: deps is silent and succeeds" {
    run "$ROOT/scripts/deps" test
    assert_success
    assert_output ""
}

@test "make install honours PREFIX and DESTDIR, the installed program finds its data, uninstall removes it" {
    local dest=$BATS_TEST_TMPDIR/dest
    run make -s -C "$ROOT" install PREFIX=/opt/mm DESTDIR="$dest"
    assert_success
    [ -x "$dest/opt/mm/bin/mmaplab" ]
    [ -f "$dest/opt/mm/share/man/man1/mmaplab.1" ]
    [ -f "$dest/opt/mm/share/mmaplab/labs/manifest" ]
    [ -f "$dest/opt/mm/share/mmaplab/tests/lib/lab.bash" ]
    [ -x "$dest/opt/mm/libexec/mmaplab/sandbox" ]
    [ -x "$dest/opt/mm/libexec/mmaplab/contain" ]
    cd "$BATS_TEST_TMPDIR"
    run env -u MMAPLAB_DATA -u MMAPLAB_TOOLS "$dest/opt/mm/bin/mmaplab" list
    assert_success
    assert_output --partial "mapped-wc"
    run make -s -C "$ROOT" uninstall PREFIX=/opt/mm DESTDIR="$dest"
    assert_success
    [ ! -e "$dest/opt/mm/bin/mmaplab" ]
    [ ! -e "$dest/opt/mm/share/mmaplab" ]
    [ ! -e "$dest/opt/mm/share/man/man1/mmaplab.1" ]
}

@test "the man page renders without warnings" {
    run sh -c "groff -ww -man -z -K utf8 '$ROOT/man/mmaplab.1' 2>&1"
    assert_output ""
}

@test "make check LAB=03 fails with readable messages on the skeleton and passes with the solution" {
    local ws=$BATS_TEST_TMPDIR/ws
    MMAPLAB_DATA=$ROOT "$ROOT/build/mmaplab" init "$ws" >/dev/null
    MMAPLAB_WORKSPACE=$ws run make -s -C "$ROOT" check LAB=03
    assert_failure
    assert_output --partial "BAD "
    assert_output --partial "Score: "
    cp "$ROOT/solutions/03-page-window/window.c" "$ws/labs/03-page-window/"
    MMAPLAB_WORKSPACE=$ws run make -s -C "$ROOT" check LAB=03
    assert_success
    assert_output --partial "Score: 20/20"
}

@test "make check without LAB says how to use it" {
    run make -s -C "$ROOT" check
    assert_failure
    assert_output --partial "usage: make check LAB=NN"
}
