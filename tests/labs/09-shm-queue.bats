#!/usr/bin/env bats
# Lab 09: a single-producer, single-consumer queue in POSIX shared memory.
# Points are in the test names: "[N] ..." (0: checked, not graded).
#
# Every test uses its own shared memory name, built from this test process's
# pid and the test number, checks that /dev/shm holds nothing of that name
# before the run and after it, and removes any leftover in teardown.
#
# The consumer is killed mid-stream without sleeps: the lab's provided
# testhook.h makes the consumer, after SHMQ_PAUSE_AFTER messages, write its
# pid to the FIFO SHMQ_PAUSE_FIFO and wait; the test reads the pid from the
# FIFO and sends SIGKILL. The background run then writes "end" into the same
# FIFO, so one read tells "paused" from "finished without pausing".

load ../lib/lab

setup_file() { lab_setup_file 09; }

setup() {
    # Set before anything can skip or fail: teardown removes names by it.
    # Letters, digits, '_', '-' and '.' are all allowed in a NAME.
    SHM_TOKEN="mmaplab09_${BASHPID}-${BATS_TEST_NUMBER}"
    SHM_NAME="/${SHM_TOKEN}.q"
    BG=""
    HOOK_FD=""
    lab_setup
    rm -f "/dev/shm/${SHM_TOKEN}"* "/dev/shm/.${SHM_TOKEN}"* # stale leftovers of a recycled pid
    assert_no_shm_left "before the run"
    CAPACITY=$(awk '$1 == "#define" && $2 == "RING_CAPACITY" { sub(/u$/, "", $3); print $3 }' \
        "$MMAPLAB_ROOT/labs/09-shm-queue/ring.h")
    # 10 million messages, as the task says. Under MMAPLAB_SANITIZE=1 the
    # ASan+UBSan build checks every load and store of the ring and can be
    # several times slower on a busy machine, so the big tests send
    # 2 million (still about 2000 trips around the 1024-slot ring).
    BIG=10000000
    if [[ ${MMAPLAB_SANITIZE:-0} == 1 ]]; then BIG=2000000; fi
}

teardown() {
    if [[ -n ${BG:-} ]]; then
        wait "$BG" 2>/dev/null || true
    fi
    if [[ -n ${HOOK_FD:-} ]]; then exec {HOOK_FD}>&-; fi
    # Only this test's names, never a bare /dev/shm/* glob.
    if [[ ${SHM_TOKEN:-} == mmaplab09_?* ]]; then
        rm -f "/dev/shm/${SHM_TOKEN}"* "/dev/shm/.${SHM_TOKEN}"*
    fi
}

# Nothing of this test's names in /dev/shm.
assert_no_shm_left() {
    local f left=""
    for f in /dev/shm/*"$SHM_TOKEN"* /dev/shm/.*"$SHM_TOKEN"*; do
        if [[ -e $f ]]; then left+=" ${f#/dev/shm/}"; fi
    done
    [[ -z $left ]] || lab_fail "expected nothing named *$SHM_TOKEN* in /dev/shm $1; found:$left" \
        "the producer must shm_unlink the name before it exits, whatever happened to the consumer"
}

# The run ended by itself; a stuck queue gets a hint.
assert_finished() {
    if [[ $SB_HOW == timeout ]]; then
        lab_fail "shmq was still running after the time limit: the queue got stuck." \
            "Does ring_push publish head after filling the slot, and ring_pop hand back tail?" \
            "Is the mapping MAP_SHARED (with MAP_PRIVATE each process has its own copy after fork)?"
    fi
    assert_not_killed
}

# The one line a successful run prints.
assert_all_received() {
    local n=$1
    assert_finished
    assert_exit 0
    [[ $output == "received $n of $n messages in order" ]] ||
        lab_fail "expected stdout to be exactly: received $n of $n messages in order" \
            "it was: $(head -c 300 "$LAB_STDOUT")"
}

# The mmap log lines of the object (the path may read "(deleted)" if it was
# mapped after shm_unlink).
shm_mmaps() {
    trace_select mmap | grep -v ' errno=' |
        grep -E " path=/dev/shm/${SHM_NAME#/}(%20\(deleted\))? " || true
}

# Run with the test process (and so the sandbox and shmq) on one CPU: the
# first one this process may use, normally CPU 0 (taskset -c 0).
run_pinned() {
    local list first
    list=$(taskset -pc "$BASHPID") || lab_fail "taskset cannot read this process's CPU list"
    list=${list##*: }
    first=${list%%[,-]*}
    taskset -pc "$first" "$BASHPID" >/dev/null || lab_fail "taskset cannot pin the test to CPU $first"
    PINNED_TO=$first
    run_lab "$@"
    taskset -pc "$list" "$BASHPID" >/dev/null
}

@test "[0] builds with the project's flags" {
    lab_assert_built
}

@test "[4] 10 million messages on one CPU (taskset -c 0) arrive in order, none lost or duplicated" {
    run_pinned --timeout 60 shmq "$SHM_NAME" "$BIG"
    LAST_CMD="taskset -c $PINNED_TO shmq $SHM_NAME $BIG"
    assert_all_received "$BIG"
    assert_no_shm_left "after the run"
}

@test "[4] 10 million messages with producer and consumer on two CPUs arrive in order" {
    local cpus
    cpus=$(nproc)
    ((cpus >= 2)) || skip "needs two CPUs to run producer and consumer at the same time; nproc says $cpus"
    run_lab --timeout 60 shmq "$SHM_NAME" "$BIG"
    assert_all_received "$BIG"
    assert_no_shm_left "after the run"
}

@test "[2] counts 0, 1, capacity - 1, capacity, capacity + 1 and a random one" {
    local n
    for n in 0 1 $((CAPACITY - 1)) "$CAPACITY" $((CAPACITY + 1)) "$(rand_between 2 200000)"; do
        run_lab --timeout 15 shmq "$SHM_NAME" "$n"
        assert_all_received "$n"
        assert_no_shm_left "after shmq $SHM_NAME $n"
    done
}

@test "[3] the object exists during the run and is removed at exit; an existing name is refused and left alone" {
    local n
    rand_set n 5000 100000
    run_lab --timeout 15 shmq "$SHM_NAME" "$n"
    assert_all_received "$n"
    [[ -n $(shm_mmaps) ]] || lab_fail "expected shmq to create and map /dev/shm/${SHM_NAME#/}; the tracer saw these mmaps:" \
        "$(trace_select mmap | grep -v ANONYMOUS | head -10)"
    assert_no_shm_left "after the run"

    # Someone else's object with the same name: O_EXCL must refuse it, and
    # shmq must neither change nor remove what it does not own.
    local other="/dev/shm/${SHM_TOKEN}.q"
    printf 'not yours\n' >"$other"
    run_lab --timeout 15 shmq "$SHM_NAME" 100
    assert_finished
    ((status != 0)) || lab_fail "shmq ran with an object that already existed (/dev/shm/${SHM_NAME#/})." \
        "Create it with O_CREAT | O_EXCL, so that someone else's object, or a crash's leftover, is refused"
    assert_exit 1
    assert_stderr_has "File exists" "shm_open with O_CREAT | O_EXCL fails with EEXIST"
    [[ ! -s $LAB_STDOUT ]] || lab_fail "nothing should be printed on stdout when the object cannot be created"
    [[ -f $other ]] || lab_fail "shmq removed /dev/shm/${SHM_NAME#/}, which it did not create: only the creator may shm_unlink"
    [[ $(<"$other") == "not yours" ]] ||
        lab_fail "shmq changed the existing /dev/shm/${SHM_NAME#/} (it must be refused with O_EXCL, not reused)"
    rm -f "$other"
}

@test "[3] the consumer is SIGKILLed mid-stream: the producer notices, removes the name, exits 4" {
    local k n
    rand_set k 1 5000
    rand_set n 100000 1000000
    local fifo="$BATS_TEST_TMPDIR/hook"
    mkfifo "$fifo"
    lab_share "$fifo"
    # Read-write, so that neither side's open() blocks on the FIFO.
    exec {HOOK_FD}<>"$fifo"

    RUNS=$((RUNS + 1))
    LAB_STDOUT="$BATS_TEST_TMPDIR/stdout.$RUNS"
    LAB_STDERR="$BATS_TEST_TMPDIR/stderr.$RUNS"
    local report="$BATS_TEST_TMPDIR/report.$RUNS"
    # shellcheck disable=SC2034 # read by lab_fail
    LAST_CMD="SHMQ_PAUSE_AFTER=$k SHMQ_PAUSE_FIFO=$fifo shmq $SHM_NAME $n"
    (
        # Assignments before the command, not env(1), which would take a
        # path holding '=' for one more assignment.
        lab_preload "$MMAPLAB_TOOLS/calltrace.so"
        SHMQ_PAUSE_AFTER="$k" SHMQ_PAUSE_FIFO="$fifo" \
            MMAPLAB_TRACE="$TRACE" LD_PRELOAD=$LAB_PRELOAD LD_LIBRARY_PATH=$LAB_PRELOAD_PATH \
            ASAN_OPTIONS="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1" \
            UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
            timeout -s KILL 40 "$MMAPLAB_TOOLS/sandbox" --timeout 20 --dir "$WORK" \
            --stdout "$LAB_STDOUT" --stderr "$LAB_STDERR" --report "$report" \
            -- "$LAB_BIN/shmq" "$SHM_NAME" "$n"
        echo end >&"$HOOK_FD"
    ) 3>&- </dev/null >/dev/null 2>&1 &
    BG=$!

    local line=""
    read -r -t 30 -u "$HOOK_FD" line || true
    if [[ $line =~ ^[0-9]+$ ]]; then
        # Only ever signal our own program's consumer.
        [[ $(cat "/proc/$line/comm" 2>/dev/null) == shmq ]] ||
            lab_fail "the pause hook sent pid $line, which is not a running shmq"
        kill -KILL "$line"
        line=""
        read -r -t 30 -u "$HOOK_FD" line || true
        [[ $line == end ]] || lab_fail "shmq did not finish within 30 s after its consumer was killed:" \
            "the producer must notice a dead consumer (consumer_gone()) while it waits for room in the ring"
    else
        wait "$BG" || true
        BG=""
        sandbox_read_report "$report"
        lab_fail "the consumer never paused after $k messages (the tests pause it there through testhook.h);" \
            "$(ending_words); its stdout: $(head -c 300 "$LAB_STDOUT")"
    fi
    wait "$BG" || true
    BG=""
    sandbox_read_report "$report"
    status=$SB_EXIT
    output=$(<"$LAB_STDOUT")
    sanitizer_check

    if [[ $SB_HOW == timeout ]]; then
        lab_fail "after its consumer was killed, shmq ran until the time limit:" \
            "the producer waits for room that never comes; while the ring is full," \
            "ring_push must ask consumer_gone() and return false when it says so"
    fi
    assert_exit 4
    assert_stderr_has "consumer killed by signal 9" "the producer reports how the consumer ended"
    assert_stderr_has "after $k of $n messages" "the consumer had taken exactly $k messages when it was killed"
    [[ ! -s $LAB_STDOUT ]] || lab_fail "a killed consumer prints nothing; stdout was: $(head -c 300 "$LAB_STDOUT")"
    assert_no_shm_left "after the consumer was killed"
}

@test "[2] bad arguments: a COUNT that is not a number, a bad NAME: exit 2, a clear message, no object" {
    local bad
    for bad in abc 12x -5 99999999999999999999; do
        run_lab shmq "$SHM_NAME" "$bad"
        [[ $SB_HOW == exited && $SB_EXIT == 2 ]] ||
            lab_fail "the COUNT '$bad' must be refused (exit status 2, 'bad count'); $(ending_words)"
        assert_stderr_has "bad count"
        [[ ! -s $LAB_STDOUT ]] || lab_fail "nothing should be printed on stdout for a bad COUNT"
    done
    # 201 characters after the slash, one too many; it starts with the token
    # so that teardown finds it if a wrong program creates it anyway.
    local long=$SHM_TOKEN
    while ((${#long} < 201)); do long+=x; done
    for bad in "$SHM_TOKEN" / "/$SHM_TOKEN/q" "/${SHM_TOKEN} q" "/.$SHM_TOKEN" "/$long"; do
        run_lab shmq "$bad" 10
        [[ $SB_HOW == exited && $SB_EXIT == 2 ]] ||
            lab_fail "the NAME '$bad' must be refused (exit status 2, 'bad name'); $(ending_words)"
        assert_stderr_has "bad name" "NAME must be a slash and 1 to 200 letters, digits, '.', '_' or '-', not starting with '.'"
        [[ ! -s $LAB_STDOUT ]] || lab_fail "nothing should be printed on stdout for a bad NAME"
    done
    run_lab shmq "$SHM_NAME" 1 2
    assert_exit 2
    assert_no_shm_left "after runs with bad arguments"
}

@test "[2] how: ftruncate to the ring's size, then mmap MAP_SHARED, PROT_READ|PROT_WRITE, of /dev/shm/NAME" {
    run_lab --timeout 15 shmq "$SHM_NAME" "$(rand_between 3000 9000)"
    assert_finished
    assert_exit 0
    # shellcheck disable=SC2034 # read by lab_fail
    LESSON_REF=12-shared-memory.md
    # ring.h: a 136-byte header (three 64-byte-aligned fields) + 16-byte slots.
    local need=$((136 + CAPACITY * 16)) path="/dev/shm/${SHM_NAME#/}"
    local trunc map
    trunc=$(trace_select ftruncate "path=$path" ret=0 | head -1)
    [[ -n $trunc ]] || lab_fail "expected ftruncate on $path: a new object has size 0; the tracer saw:" \
        "$(trace_select ftruncate)"
    (($(trace_field "$trunc" len) >= need)) ||
        lab_fail "the object must hold the whole ring, ring_bytes(RING_CAPACITY) = $need bytes" "$trunc"
    map=$(shm_mmaps | head -1)
    [[ -n $map ]] || lab_fail "expected an mmap of $path; the tracer saw:" "$(trace_select mmap | grep -v ANONYMOUS | head -10)"
    [[ $(trace_field "$map" flags) == SHARED* ]] ||
        lab_fail "the mapping must be MAP_SHARED: with MAP_PRIVATE the consumer never sees the producer's stores" "$map"
    [[ $(trace_field "$map" prot) == READ\|WRITE* ]] || lab_fail "the mapping must be PROT_READ | PROT_WRITE" "$map"
    (($(trace_field "$map" len) >= need)) || lab_fail "the mapping must cover the whole ring ($need bytes)" "$map"
    (($(trace_order "$trunc") < $(trace_order "$map"))) ||
        lab_fail "ftruncate must come before mmap: touching a mapping of a 0-byte object is SIGBUS" "$trunc" "$map"
    assert_munmapped "$map"
}
