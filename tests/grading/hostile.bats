#!/usr/bin/env bats
# Submissions that attack the grader (tests/grading/hostile/). Each is
# graded together with a correct lab 02; for each: grading ends in bounded
# time, lab 03 scores 0 with a reason, lab 02 keeps its 20 points, no
# process survives, and nothing outside the grader's temporary folder
# changed (the project, the submission, /tmp, /var/tmp, /dev/shm).

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup_file() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    export ROOT BIN MMAPLAB_DATA=$ROOT MMAPLAB_TOOLS=${MMAPLAB_TOOLS:-$ROOT/build/tools}
}

setup() {
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    SUB=$BATS_TEST_TMPDIR/submission
    REPORT=$BATS_TEST_TMPDIR/results.txt
}

# What the project's own files look like: every harness, test and lab file.
fingerprint() {
    (cd "$ROOT" && find labs tests/labs tests/lib solutions -type f ! -name '*.o' -print0 |
        sort -z | xargs -0 sha256sum | sha256sum)
}

# Files the hostile programs drop where anyone may write.
outside_marks() {
    local d
    for d in /tmp /var/tmp /dev/shm /run/lock "$ROOT" "$ROOT/solutions" "$HOME"; do
        [[ -e $d/mmaplab-hostile-outside ]] && echo "$d/mmaplab-hostile-outside"
    done
    return 0
}

# grade_hostile CASE: grade labs 02 (correct) and 03 (hostile CASE) with
# time limits cut to a tenth (the attacks need no more), bounded overall.
grade_hostile() {
    local case=$1
    mkdir -p "$SUB"
    cp -R "$ROOT/solutions/02-shared-write" "$SUB/"
    cp -R "$BATS_TEST_DIRNAME/hostile/$case/03-page-window" "$SUB/"
    BEFORE=$(fingerprint)
    SUB_BEFORE=$(cd "$SUB" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
    local start=$SECONDS
    run timeout -s KILL 300 env MMAPLAB_TIMEOUT_SCALE=0.1 "$BIN" grade --labs 02,03 --jobs 2 \
        --output "$REPORT" "$SUB" 3>&-
    ELAPSED=$((SECONDS - start))
    ((status != 137)) || fail "grading $case did not end within 300 s"
    assert_equal "$status" 1 # not full marks
    TEXT=$(cat "$REPORT")
}

# The score line of one lab in the text report.
lab_score() {
    awk -v id="$1" '
        $1 == "Lab" { inlab = ($2 == id); if (inlab && $NF ~ /^[0-9]+\/[0-9]+$/) { print $NF; exit } }
        inlab && $1 == "Score:" { print $2; exit }
    ' "$REPORT"
}

# Everything the hostile case may not have done.
assert_contained() {
    local case=$1
    assert_equal "$(lab_score 02)" "20/20"
    assert_equal "$(lab_score 03)" "0/20"
    [[ $TEXT == *"Total: 20/40"* ]] || fail "expected Total: 20/40 in: $TEXT"
    # No survivor of this case, even a moment later.
    sleep 0.5
    local left
    left=$(pgrep -x "mlh-$case" || true)
    [[ -z $left ]] || fail "processes of $case survived grading: $(ps -o pid,uid,stat,comm -p "${left//$'\n'/,}")"
    assert_equal "$(fingerprint)" "$BEFORE"
    assert_equal "$(cd "$SUB" && find . -type f -print0 | sort -z | xargs -0 sha256sum)" "$SUB_BEFORE"
    assert_equal "$(outside_marks)" ""
}

@test "an infinite loop is killed at the time limit" {
    grade_hostile loop
    assert_contained loop
    [[ $TEXT == *"still running after the time limit and was killed"* ]] || fail "no reason given: $TEXT"
}

@test "a fork bomb is held by the process limit and killed with all its children" {
    grade_hostile forkbomb
    assert_contained forkbomb
    [[ $TEXT == *"still running after the time limit and was killed"* ]] || fail "no reason given: $TEXT"
}

@test "allocating without end fails inside the data limit; the machine keeps its memory" {
    local avail_before
    avail_before=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
    grade_hostile memory
    assert_contained memory
    [[ $TEXT == *"BAD"* ]] || fail "no failing test shown: $TEXT"
    # The limit is 2 GiB of private memory per program; the attack asks for 64.
    local avail_after
    avail_after=$(awk '/MemAvailable/ { print $2 }' /proc/meminfo)
    ((avail_after > avail_before / 2)) || fail "available memory fell from $avail_before to $avail_after kB"
}

@test "gigabytes of output are cut at the output limit" {
    grade_hostile flood
    assert_contained flood
    [[ $TEXT == *"more than the output limit"* ]] || fail "no reason given: $TEXT"
    ((ELAPSED < 120)) || fail "a flood took $ELAPSED s to stop"
}

@test "forged TAP lines on fd 3, stdout and stderr count for nothing" {
    grade_hostile forge
    assert_contained forge
    [[ $TEXT != *"forged"* || $TEXT == *"BAD"* ]] || fail "a forged line was taken as a result: $TEXT"
    run grep -cE '^  GOOD +[0-9]+/' <(awk '$1 == "Lab" { lab = $2 } lab == "03" { print }' "$REPORT")
    assert_output 0
}

@test "rewriting the tests, the harness and the Makefile is refused" {
    ((EUID == 0)) || skip "only a grader started as root runs student code as another user"
    grade_hostile tamper
    assert_contained tamper
    [[ $TEXT != *"[20] forged"* ]] || fail "a rewritten test ran: $TEXT"
}

@test "a daemon that outlives its parent is killed" {
    grade_hostile daemon
    assert_contained daemon
    [[ $TEXT == *"BAD"* ]] || fail "no failing test shown: $TEXT"
}

@test "a program that ignores SIGTERM is killed anyway" {
    grade_hostile sigterm
    assert_contained sigterm
    [[ $TEXT == *"still running after the time limit and was killed"* ]] || fail "no reason given: $TEXT"
}

@test "a network connection goes nowhere (or the report says isolation was missing)" {
    command -v perl >/dev/null || skip "perl is needed for the listener"
    local log=$BATS_TEST_TMPDIR/listener.log
    : >"$log"
    perl -MIO::Socket::INET -e '
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 47391, Listen => 5, ReuseAddr => 1)
            or die "listen: $!";
        open(my $ready, ">", "$ARGV[0].ready"); close $ready;
        while (my $c = $s->accept) {
            my $line = <$c>;
            open(my $f, ">>", $ARGV[0]); print $f "connection: ", ($line // ""), "\n"; close $f;
        }' "$log" 3>&- &
    LISTENER=$!
    for _ in $(seq 50); do [[ -e $log.ready ]] && break; sleep 0.1; done
    # The listener works: a connection from here is logged.
    exec {probe}<>/dev/tcp/127.0.0.1/47391
    echo probe >&"$probe"
    exec {probe}>&-
    for _ in $(seq 50); do [[ -s $log ]] && break; sleep 0.1; done
    run cat "$log"
    assert_output --partial "connection: probe"
    : >"$log"
    grade_hostile network
    kill "$LISTENER" 2>/dev/null || true
    assert_contained network
    if [[ $TEXT == *"Isolation: student code ran as"*"without network"* ]]; then
        run cat "$log"
        assert_output ""
    else
        [[ $TEXT == *"WITHOUT network"* || $TEXT == *"without namespaces"* ]] ||
            fail "neither isolated nor said so: $TEXT"
    fi
}

@test "files written outside its own folder never reach the machine" {
    grade_hostile outside
    assert_contained outside
}

@test "the report says how student code was contained, and when it was not" {
    mkdir -p "$SUB"
    cp -R "$ROOT/solutions/02-shared-write" "$SUB/"
    run "$BIN" grade --labs 02 "$SUB"
    assert_success
    assert_output --partial "Isolation: student code ran as"
    if ((EUID == 0)); then assert_output --partial "without network"; fi
    MMAPLAB_GRADE_ISOLATION=off run "$BIN" grade --labs 02 "$SUB"
    assert_success
    assert_output --partial "Isolation: student code ran without namespaces"
}

teardown() {
    [[ -n ${LISTENER:-} ]] && kill "$LISTENER" 2>/dev/null
    return 0
}
