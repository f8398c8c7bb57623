#!/usr/bin/env bats
# make gradescope: autograder.zip unpacked into a simulated autograder
# root (MMAPLAB_AUTOGRADER_ROOT) the way Gradescope does it, run_autograder
# run on submissions, results.json checked with jq. setup.sh's package
# installation is not run: MMAPLAB_BIN names the mmaplab already built.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup_file() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    export ROOT BIN MMAPLAB_TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
    export B=$BATS_FILE_TMPDIR/b
    make -s -C "$ROOT" B="$B" gradescope >/dev/null
}

setup() {
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    AG=$BATS_TEST_TMPDIR/ag
    mkdir -p "$AG/source" "$AG/submission" "$AG/results"
    unzip -q "$B/gradescope/autograder.zip" -d "$AG/source"
    # Gradescope runs its own copy of run_autograder.
    cp "$AG/source/run_autograder" "$AG/run_autograder"
}

# run_autograder as Gradescope starts it, with the harness and tests of
# the bundle (not of this checkout: MMAPLAB_DATA is unset).
autograde() {
    env -u MMAPLAB_DATA MMAPLAB_AUTOGRADER_ROOT="$AG" MMAPLAB_BIN="$BIN" "$@" "$AG/run_autograder"
}

# results.json in Gradescope's format, every test complete.
valid_results() {
    jq -e '(.score | type) == "number" and (.max_score | type) == "number" and (.tests | length) > 0 and
        all(.tests[]; (.name | type) == "string" and (.score | type) == "number" and (.max_score | type) == "number"
            and (.status == "passed" or .status == "failed") and (.output | type) == "string"
            and .visibility == "visible")' "$AG/results/results.json"
}

@test "autograder.zip: setup.sh, run_autograder and the course, without solutions, build output, .git or grading" {
    run unzip -Z1 "$B/gradescope/autograder.zip"
    assert_success
    assert_line setup.sh
    assert_line run_autograder
    assert_line mmaplab/Makefile
    assert_line mmaplab/labs/manifest
    assert_line mmaplab/labs/01-mapped-wc/mapwc.c
    assert_line mmaplab/tests/lib/lab.bash
    assert_line mmaplab/tests/labs/01-mapped-wc.bats
    refute_line --regexp '^mmaplab/(solutions|build|\.git|grading|\.mmaplab)(/|$)'
    [ -x "$AG/source/setup.sh" ] && [ -x "$AG/source/run_autograder" ]
    run bash -n "$AG/source/setup.sh"
    assert_success
    # setup.sh builds and installs the bundle with the bundle's own script.
    # shellcheck disable=SC2016 # the text of setup.sh, not an expansion
    run grep -cE 'make -C "\$SRC" install|scripts/deps" test' "$AG/source/setup.sh"
    assert_output 2
    assert_success
}

@test "a complete submission: full score, every test passed" {
    # Every solution is submitted; one lab is graded to keep this quick.
    cp -R "$ROOT/solutions/." "$AG/submission/"
    run autograde MMAPLAB_LABS=02
    assert_success
    run valid_results
    assert_success
    run jq -e '.score == 20 and .max_score == 20 and all(.tests[]; .status == "passed") and
        ([.tests[].score] | add) == 20' "$AG/results/results.json"
    assert_success
}

@test "a submission missing a lab: a lower score, a failed test saying what is missing, still valid JSON" {
    cp -R "$ROOT/solutions/02-shared-write" "$AG/submission/"
    run autograde MMAPLAB_LABS=02,03
    assert_success
    run valid_results
    assert_success
    run jq -e '.score == 20 and .max_score == 40 and
        any(.tests[]; .status == "failed" and (.name | startswith("lab 03")))' "$AG/results/results.json"
    assert_success
    run jq -r '.output' "$AG/results/results.json"
    assert_output --partial "missing student file 03-page-window/window.c"
}

@test "make gradescope GRADESCOPE_LABS=03 grades only lab 03" {
    make -s -C "$ROOT" B="$BATS_TEST_TMPDIR/b3" GRADESCOPE_LABS=03 gradescope >/dev/null
    rm -rf "$AG/source" && mkdir -p "$AG/source"
    unzip -q "$BATS_TEST_TMPDIR/b3/gradescope/autograder.zip" -d "$AG/source"
    run autograde
    assert_success
    run valid_results
    assert_success
    run jq -e '.score == 0 and .max_score == 20 and all(.tests[]; .name | startswith("lab 03"))' \
        "$AG/results/results.json"
    assert_success
}

@test "a .tar.gz uploaded as it is is graded like its content" {
    tar -C "$ROOT/solutions" -czf "$AG/submission/labs.tar.gz" 02-shared-write
    run autograde MMAPLAB_LABS=02
    assert_success
    run jq -e '.score == 20 and .max_score == 20' "$AG/results/results.json"
    assert_success
}

@test "an autograder that cannot start still leaves a results.json saying why" {
    run env MMAPLAB_AUTOGRADER_ROOT="$AG" MMAPLAB_BIN="$BATS_TEST_TMPDIR/no-mmaplab" "$AG/run_autograder"
    assert_failure
    run jq -e '.score == 0 and (.output | test("no mmaplab program"))' "$AG/results/results.json"
    assert_success
    rm "$AG/source/mmaplab/labs/manifest"
    run env MMAPLAB_AUTOGRADER_ROOT="$AG" MMAPLAB_BIN="$BIN" "$AG/run_autograder"
    assert_failure
    run jq -e '.score == 0 and (.output | test("labs/manifest is missing"))' "$AG/results/results.json"
    assert_success
}
