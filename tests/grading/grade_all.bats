#!/usr/bin/env bats
# mmaplab grade-all: a class graded with GNU parallel into one CSV, read
# back by a real CSV reader (Python's csv module); per-student reports; a
# broken submission that stops nobody; clear messages for bad input; and
# mmaplab grade --format csv itself.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

# shellcheck source=tests/lib/outside_bats.bash
source "$BATS_TEST_DIRNAME/../lib/outside_bats.bash"

# grade-all as a teacher runs it, outside bats (the sh of each grading job
# would pass bats' environment on only in part).
grade_all() {
    outside_bats MMAPLAB_DATA="$MMAPLAB_DATA" MMAPLAB_TOOLS="$MMAPLAB_TOOLS" \
        /usr/bin/timeout -s KILL 300 "$BIN" grade-all "$@"
}

setup_file() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    export ROOT BIN MMAPLAB_DATA=$ROOT MMAPLAB_TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
    [[ -x $BIN ]] || return 0
    # A name with a comma, quotes and an apostrophe: the CSV must quote it
    # and parallel must pass it to the shell intact.
    export ALICE="O'Hara, Alice \"Ally\""
    local class=$BATS_FILE_TMPDIR/class
    mkdir -p "$class" "$BATS_FILE_TMPDIR/out"
    cp -R "$ROOT/solutions" "$class/$ALICE"
    # bob: the untouched skeleton of lab 02 only, so lab 03 is missing
    # (quick: its build test fails and the rest is skipped).
    tar -C "$ROOT/labs" -czf "$class/bob.tar.gz" 02-shared-write
    head -c 4096 /dev/urandom >"$class/carol.zip"
    # A name a spreadsheet would run as a formula.
    cp "$class/carol.zip" "$class/=dave.zip"
    echo "not a submission" >"$class/notes.txt"
    # Labs 02 and 03 keep the run short; grading is the same for all.
    local rc=0
    grade_all "$class" --csv "$BATS_FILE_TMPDIR/out/grades.csv" --labs 02,03 --jobs 3 \
        >"$BATS_FILE_TMPDIR/stdout" 2>"$BATS_FILE_TMPDIR/stderr" || rc=$?
    echo "$rc" >"$BATS_FILE_TMPDIR/status"
}

setup() {
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    D=$BATS_FILE_TMPDIR
    R=$D/out/grades-reports
}

@test "the class CSV, read by Python's csv module: one header, a row per student sorted by name, right totals" {
    command -v python3 >/dev/null || skip "python3 is not installed"
    run python3 - "$D/out/grades.csv" "$ALICE" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as f:
    rows = list(csv.reader(f, strict=True))
assert rows[0] == ["student", "02", "03", "total", "max", "status"], rows[0]
body = rows[1:]
names = [r[0] for r in body]
assert names == sorted(names) == ["'=dave", sys.argv[2], "bob", "carol"], names
for r in body:
    assert len(r) == len(rows[0]), r
    assert int(r[3]) == int(r[1]) + int(r[2]) and r[4] == "40", r
dave, alice, bob, carol = body
assert dave[5].startswith("failed: cannot unpack"), dave
assert alice[1:] == ["20", "20", "40", "40", "graded"], alice
assert bob[1:] == ["0", "0", "0", "40", "graded"], bob
assert carol[1:5] == ["0", "0", "0", "40"] and carol[5].startswith("failed: cannot unpack"), carol
print("ok")
PY
    assert_output ok
}

@test "the CSV follows RFC 4180: CRLF line ends, quoted fields with doubled quotes; no cell starts a formula" {
    run awk '!/\r$/' "$D/out/grades.csv"
    assert_output ""
    run grep -c $'\r$' "$D/out/grades.csv"
    assert_output 5
    run grep -c '^[=+@-]\|,[=+@-]' "$D/out/grades.csv"
    assert_output 0
    run grep -F "\"O'Hara, Alice \"\"Ally\"\"\",20,20,40,40,graded" "$D/out/grades.csv"
    assert_success
    [ -z "$(find "$D/out" -maxdepth 1 -name '*.tmp*')" ]
}

@test "one summary line; the broken submission and the skipped file are named; exit status 1" {
    run cat "$D/stdout"
    assert_output --regexp "^mmaplab grade-all: 4 students: 2 graded, 2 failed; grades in .*/out/grades.csv, reports in .*/out/grades-reports/$"
    run cat "$D/stderr"
    assert_output --partial "skipping notes.txt: not a folder, .tar.gz, .tgz or .zip"
    assert_output --partial "carol: failed: cannot unpack"
    assert_output --partial "=dave: failed: cannot unpack"
    run cat "$D/status"
    assert_output 1
}

@test "each student has reports beside the CSV, and their scores.csv rows are the class's rows" {
    local s
    for s in "$ALICE" bob; do
        [ -s "$R/$s/results.txt" ]
        # parallel runs a student per core; each student's labs run in turn.
        run grep -c "^Graded: 1 lab at a time" "$R/$s/results.txt"
        assert_output 1
        [ -s "$R/$s/results.xml" ]
        [ -s "$R/$s/scores.csv" ]
        run jq -e '.max_score == 40' "$R/$s/gradescope.json"
        assert_success
        run grep -Fxf <(tail -n +2 "$R/$s/scores.csv") "$D/out/grades.csv"
        assert_success
    done
    run jq -e '.score == 40' "$R/$ALICE/gradescope.json"
    assert_success
    run cat "$R/carol/grade.log"
    assert_output --partial "cannot unpack"
    [ ! -e "$R/carol/scores.csv" ]
    [ ! -e "$R/notes" ] && [ ! -e "$R/notes.txt" ]
}

@test "a CSV kept among the submissions can be made again; old reports never pass for new ones; --sshloginfile goes to parallel" {
    local class=$BATS_TEST_TMPDIR/class
    mkdir -p "$class/grades-reports/x"
    head -c 100 /dev/urandom >"$class/x.zip"
    # A scores.csv left by an earlier run, when x was graded: it must not
    # be taken for this run's.
    printf 'student,02,total,max,status\r\nx,20,20,20,graded\r\n' >"$class/grades-reports/x/scores.csv"
    echo : >"$BATS_TEST_TMPDIR/sshlogins" # ":" is this machine, reached the way a remote one is
    for _ in 1 2; do
        run grade_all "$class" --csv "$class/grades.csv" --labs 02 --sshloginfile "$BATS_TEST_TMPDIR/sshlogins"
        assert_failure 1
        assert_output --partial "1 student: 0 graded, 1 failed"
        refute_output --partial "skipping"
        run cat "$class/grades.csv"
        assert_output --partial $'student,02,total,max,status\r\nx,0,0,20,failed: cannot unpack'
        run grep -c . "$class/grades.csv"
        assert_output 2
    done
    [ ! -e "$class/grades-reports/x/scores.csv" ]
    [ -s "$class/grades-reports/x/grade.log" ]
}

@test "--reports puts the reports elsewhere" {
    local class=$BATS_TEST_TMPDIR/class
    mkdir -p "$class"
    head -c 100 /dev/urandom >"$class/x.tgz"
    run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv" --reports "$BATS_TEST_TMPDIR/r/deep" --labs 02 --jobs 1
    assert_failure 1
    [ -s "$BATS_TEST_TMPDIR/r/deep/x/grade.log" ]
    [ ! -e "$BATS_TEST_TMPDIR/g-reports" ]
}

@test "bad input: each problem is named with what to do" {
    local empty=$BATS_TEST_TMPDIR/empty class=$BATS_TEST_TMPDIR/class
    mkdir -p "$empty" "$class/alice"
    run grade_all
    assert_failure 2
    assert_output --partial "name the folder that holds the submissions"
    run grade_all "$class"
    assert_failure 2
    assert_output --partial "--csv FILE is missing"
    run grade_all "$BATS_TEST_TMPDIR/nowhere" --csv "$BATS_TEST_TMPDIR/g.csv"
    assert_failure 1
    assert_output --partial "nowhere: no such folder"
    run grade_all "$empty" --csv "$BATS_TEST_TMPDIR/g.csv"
    assert_failure 1
    assert_output --partial "holds no submissions; put one folder, .tar.gz, .tgz or .zip per student in it"
    run grade_all "$class" --csv "$BATS_TEST_TMPDIR/no/such/dir/g.csv"
    assert_failure 1
    assert_output --partial "does not exist; create it first"
    run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv" --labs 02,99
    assert_failure 1
    assert_output --partial "no lab '99'"
    run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv" --jobs 0
    assert_failure 2
    assert_output --partial "--jobs takes a number"
    run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv" --sshloginfile "$BATS_TEST_TMPDIR/nofile"
    assert_failure 1
    assert_output --partial "cannot read --sshloginfile"
    touch "$class/alice.zip"
    run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv"
    assert_failure 1
    assert_output --partial "alice and alice.zip are both student 'alice'; keep one of them"
    [ ! -e "$BATS_TEST_TMPDIR/g.csv" ]
}

@test "without GNU parallel: the message names the package to install" {
    local class=$BATS_TEST_TMPDIR/class
    mkdir -p "$class/alice" "$BATS_TEST_TMPDIR/bin"
    PATH=$BATS_TEST_TMPDIR/bin run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv"
    assert_failure 1
    assert_output --partial "GNU parallel is not installed; install it with: sudo apt-get install -y parallel"
    # moreutils' parallel has the same name and different options.
    printf '#!/bin/sh\necho "parallel [OPTIONS] command -- arguments"\n' >"$BATS_TEST_TMPDIR/bin/parallel"
    chmod +x "$BATS_TEST_TMPDIR/bin/parallel"
    PATH=$BATS_TEST_TMPDIR/bin:$PATH run grade_all "$class" --csv "$BATS_TEST_TMPDIR/g.csv"
    assert_failure 1
    assert_output --partial "is not GNU parallel"
    [ ! -e "$BATS_TEST_TMPDIR/g.csv" ]
}

@test "grade --format csv: the submission's row is the class's row; a failure is a valid CSV with the reason" {
    run diff <(tail -n +2 "$R/$ALICE/scores.csv") <(grep -F "O'Hara" "$D/out/grades.csv")
    assert_success
    local out=$BATS_TEST_TMPDIR/s.csv sub=$BATS_TEST_TMPDIR/not-an-archive.txt
    touch "$sub"
    run "$BIN" grade --format csv --output "$out" "$sub"
    assert_failure
    printf 'student,total,max,status\r\n,0,0,"%s is not a folder, a .tar.gz or a .zip"\r\n' "$sub" >"$BATS_TEST_TMPDIR/want"
    run cmp "$BATS_TEST_TMPDIR/want" "$out"
    assert_success
}
