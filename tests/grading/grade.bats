#!/usr/bin/env bats
# mmaplab grade: submissions in every layout, every output format checked
# by a real consumer (prove, xmllint with a JUnit XSD, jq), and results
# that survive a grader that dies.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup_file() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    export ROOT BIN MMAPLAB_DATA=$ROOT MMAPLAB_TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
    # Two quick labs keep the suite fast; the mechanism is the same for all.
    export LABS=02,03
    # The solutions and the skeletons, each graded once into every format.
    mkdir -p "$BATS_FILE_TMPDIR/good" "$BATS_FILE_TMPDIR/bad"
    timeout -s KILL 600 "$BIN" grade --labs "$LABS" --output-dir "$BATS_FILE_TMPDIR/good" "$ROOT/solutions" >/dev/null 2>&1 || true
    timeout -s KILL 600 "$BIN" grade --labs "$LABS" --output-dir "$BATS_FILE_TMPDIR/bad" "$ROOT/labs" >/dev/null 2>&1 || true
}

setup() {
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    D=$BATS_FILE_TMPDIR
}

@test "text: every lab and the total" {
    run cat "$D/good/results.txt"
    assert_output --partial "Lab 02 shared-write"
    assert_output --partial "Lab 03 page-window"
    assert_output --partial "Total: 40/40"
}

@test "TAP is read by prove (TAP::Harness): solutions pass, skeletons fail" {
    run prove --exec cat "$D/good/results.tap"
    assert_success
    run prove --exec cat "$D/bad/results.tap"
    assert_failure
}

@test "JUnit XML is valid against the JUnit schema, with failures for the skeletons" {
    run xmllint --noout --schema "$BATS_TEST_DIRNAME/junit.xsd" "$D/good/results.xml"
    assert_success
    run xmllint --noout --schema "$BATS_TEST_DIRNAME/junit.xsd" "$D/bad/results.xml"
    assert_success
    run xmllint --xpath 'count(//failure)' "$D/good/results.xml"
    assert_output 0
    run xmllint --xpath 'count(//failure) > 0' "$D/bad/results.xml"
    assert_output true
}

@test "Gradescope results.json has score, max_score and well-formed tests" {
    run jq -e '.score == 40 and .max_score == 40 and (.tests | length) > 0 and
        all(.tests[]; has("name") and has("score") and has("max_score") and has("status") and
            has("output") and .visibility == "visible" and (.status == "passed" or .status == "failed"))' "$D/good/gradescope.json"
    assert_success
    run jq -e '.score == 0 and any(.tests[]; .status == "failed" and .max_score > 0 and (.output | length) > 0)' "$D/bad/gradescope.json"
    assert_success
    run jq -e '([.tests[].score] | add) == .score' "$D/good/gradescope.json"
    assert_success
}

@test "Exercism results.json (version 3) says pass or fail with messages" {
    run jq -e '.version == 3 and .status == "pass" and .message == null and
        all(.tests[]; has("name") and has("status") and has("message") and has("output"))' "$D/good/exercism.json"
    assert_success
    run jq -e '.status == "fail" and any(.tests[]; .status == "fail" and (.message | length) > 0)' "$D/bad/exercism.json"
    assert_success
}

@test "a workspace, a .tar.gz and a .zip are accepted like a folder" {
    local w=$BATS_TEST_TMPDIR/student
    mkdir -p "$w/labs/03-page-window"
    cp "$ROOT/solutions/03-page-window/window.c" "$w/labs/03-page-window/"
    run timeout -s KILL 300 "$BIN" grade --labs 03 "$w"
    assert_success
    assert_output --partial "Total: 20/20"
    tar -C "$BATS_TEST_TMPDIR" -czf "$BATS_TEST_TMPDIR/sub.tar.gz" student
    run timeout -s KILL 300 "$BIN" grade --labs 03 "$BATS_TEST_TMPDIR/sub.tar.gz"
    assert_output --partial "Total: 20/20"
    (cd "$w/labs" && zip -qr "$BATS_TEST_TMPDIR/sub.zip" .)
    run timeout -s KILL 300 "$BIN" grade --labs 03 "$BATS_TEST_TMPDIR/sub.zip"
    assert_output --partial "Total: 20/20"
}

@test "a missing or linked student file scores that lab 0 with a reason; the other lab is still graded" {
    local w=$BATS_TEST_TMPDIR/sub
    mkdir -p "$w/02-shared-write" "$w/03-page-window"
    cp "$ROOT/solutions/03-page-window/window.c" "$w/03-page-window/"
    run timeout -s KILL 300 "$BIN" grade --labs "$LABS" --format gradescope "$w"
    assert_failure
    assert_output --partial "missing student file 02-shared-write/mapwrite.c"
    run jq -e '.score == 20' <<<"$output"
    assert_success
    ln -s "$ROOT/solutions/02-shared-write/mapwrite.c" "$w/02-shared-write/mapwrite.c"
    run timeout -s KILL 300 "$BIN" grade --labs 02 "$w"
    assert_output --partial "is not a regular file"
}

@test "only the manifest's student files are taken from a submission" {
    local w=$BATS_TEST_TMPDIR/sub
    mkdir -p "$w/03-page-window"
    cp "$ROOT/solutions/03-page-window/window.c" "$w/03-page-window/"
    # A Makefile and a naive program of the student's own must be ignored.
    printf 'all:\n\t@echo cheat\n' >"$w/03-page-window/Makefile"
    echo 'int main(void) { return 0; }' >"$w/03-page-window/naive_window.c"
    run timeout -s KILL 300 "$BIN" grade --labs 03 "$w"
    assert_success
    assert_output --partial "Total: 20/20"
}

@test "a grader that dies still leaves a results file saying so" {
    local out=$BATS_TEST_TMPDIR/results.json
    timeout -s KILL 300 "$BIN" grade --labs 03 --format gradescope --output "$out" "$ROOT/solutions" >/dev/null 2>&1 &
    local pid=$! i
    for ((i = 0; i < 600; i++)); do [[ -s $out ]] && break; sleep 0.05; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    run jq -e '.score == 0 and (.output | test("did not finish"))' "$out"
    assert_success
    MMAPLAB_DATA=$BATS_TEST_TMPDIR/nowhere run "$BIN" grade --format exercism --output "$out" "$ROOT/solutions"
    assert_failure
    run jq -e '.status == "error" and (.message | length) > 0' "$out"
    assert_success
}

@test "labs are graded one per usable CPU unless --jobs says; the report says how many at a time and how long" {
    local cpus want
    cpus=$(nproc)
    want=$((cpus < 2 ? cpus : 2))
    run grep -E "^Graded: $want labs? at a time, in [0-9]+\.[0-9] s$" "$D/good/results.txt"
    assert_success
    run grep -E "^# graded: $want at a time, in [0-9]+\.[0-9] s$" "$D/good/results.tap"
    assert_success
    # A submission without files grades quickly: each lab's build fails.
    local empty="$BATS_TEST_TMPDIR/empty"
    mkdir -p "$empty"
    run taskset -c 0 "$BIN" grade --labs "$LABS" "$empty"
    assert_output --partial "Graded: 1 lab at a time"
    run "$BIN" grade --jobs 1 --labs "$LABS" "$empty"
    assert_output --partial "Graded: 1 lab at a time"
    # Never more at once than there are labs.
    run "$BIN" grade --jobs 8 --labs "$LABS" "$empty"
    assert_output --partial "Graded: 2 labs at a time"
    if ((cpus >= 2)); then
        run taskset -c 0,1 "$BIN" grade --labs "$LABS" "$empty"
        assert_output --partial "Graded: 2 labs at a time"
    fi
}

@test "bad usage is refused" {
    run "$BIN" grade --format xml
    [ "$status" -eq 2 ]
    run "$BIN" grade "$BATS_TEST_TMPDIR/not-an-archive.txt"
    assert_failure
}
