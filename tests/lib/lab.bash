# shellcheck shell=bash
# Shared helpers for the lab tests in tests/labs/*.bats.
#
# A lab test file starts with:
#
#   load ../lib/lab
#   setup_file() { lab_setup_file 01; }
#   setup() { lab_setup; }
#
# and names its tests "[N] what is checked", N being the points the test is
# worth (0: checked but not graded). The points in the names are the only
# place they are written; labs/manifest holds their sum per lab.
#
# Environment (all optional):
#   LAB_ROOT          folder holding the student's NN-slug/ folders (default: labs/)
#   MMAPLAB_TOOLS     folder with the built sandbox and calltrace.so
#   MMAPLAB_SANITIZE  1: build the lab with AddressSanitizer and UBSan
#   MMAPLAB_SEED      seed for the random inputs (printed on failure)
#   MMAPLAB_TIMEOUT_SCALE  multiply run_lab's time limits (slow machines: 2)
#   MMAPLAB_SANDBOX_UID, MMAPLAB_SANDBOX_BUILD_UID  set by the grader's
#                     tests/lib/contain.c when it runs as root: programs run
#                     as the first user, the build as the second

# Beside this file, wherever the test file that loads it lives.
# shellcheck source=tests/lib/batslibs.bash
source "${BASH_SOURCE[0]%/*}/batslibs.bash"
# Only bats-support (fail, batslib_decorate): the lab tests assert through
# their own helpers below and in verdict.bash and trace.bash, and bats
# re-reads every library it loads for every test (bats-assert and bats-file
# are some 2,500 lines of bash).
load_bats_libs bats-support

MMAPLAB_ROOT=${MMAPLAB_ROOT:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}
export MMAPLAB_ROOT

# shellcheck source=tests/lib/manifest.bash
source "$MMAPLAB_ROOT/tests/lib/manifest.bash"
# shellcheck source=tests/lib/verdict.bash
source "$MMAPLAB_ROOT/tests/lib/verdict.bash"
# shellcheck source=tests/lib/trace.bash
source "$MMAPLAB_ROOT/tests/lib/trace.bash"
# shellcheck source=tests/lib/randomdata.bash
source "$MMAPLAB_ROOT/tests/lib/randomdata.bash"

# bats runs every command of a test through a DEBUG trap, and its set -T
# hands the trap down into every function, so that a failure can name its
# line. The trap is some twenty commands of bash each time: a helper that
# loops in bash runs about 70 times slower under it, 10-15 % of a lab check.
# Without -T the helpers run untrapped; bats still names the line of the
# test that failed (the failing helper call), only no longer the line
# inside the helper. `bats --trace` (BATS_TRACE_LEVEL) keeps the trap.
# The trap is gone from the test body too once it has called a function
# (bats runs the test in a subshell, where bash does not restore it), so
# a bare `[[ ... ]]` failing there would be reported at a stale line:
# lab tests check through helpers or `|| lab_fail "why"`, never bare.
lab_untrace() {
    ((${BATS_TRACE_LEVEL:-0} > 0)) || set +T
}

# Build the lab once per file: the pristine lab folder (Makefile, provided
# programs) with only the manifest's student files taken from LAB_ROOT.
lab_setup_file() {
    lab_untrace
    local id=$1
    manifest_lookup "$id" || {
        echo "lab $id is not in labs/manifest" >&2
        return 1
    }
    export LAB_ID=$id LAB_SLUG=$M_SLUG LAB_LESSON=$M_LESSON LAB_FILES=$M_FILES
    export LAB_DIR="$id-$M_SLUG"
    export LAB_ROOT=${LAB_ROOT:-$MMAPLAB_ROOT/labs}
    export MMAPLAB_SEED=${MMAPLAB_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
    # The page size as the labs must see it, asked once (getconf is a process).
    LAB_PAGE_SIZE=$(getconf PAGESIZE)
    export LAB_PAGE_SIZE

    lab_tools || return 1

    local tree="$BATS_FILE_TMPDIR/tree"
    export LAB_BIN="$tree/$LAB_DIR"
    export LAB_BUILD_LOG="$BATS_FILE_TMPDIR/build.log"
    rm -rf "$tree"
    mkdir -p "$LAB_BIN"
    cp "$MMAPLAB_ROOT/labs/lab.mk" "$tree/"
    cp -R "$MMAPLAB_ROOT/labs/$LAB_DIR/." "$LAB_BIN/"

    : >"$LAB_BUILD_LOG"
    local f missing=0
    for f in ${LAB_FILES//,/ }; do
        rm -f "$LAB_BIN/$f"
        if [[ -f $LAB_ROOT/$LAB_DIR/$f && -r $LAB_ROOT/$LAB_DIR/$f ]]; then
            cp "$LAB_ROOT/$LAB_DIR/$f" "$LAB_BIN/$f"
        else
            echo "missing student file: $LAB_ROOT/$LAB_DIR/$f" >>"$LAB_BUILD_LOG"
            missing=1
        fi
    done

    local extra=""
    if [[ ${MMAPLAB_SANITIZE:-0} == 1 ]]; then
        extra="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
        # Shadow memory counts as data: no RLIMIT_DATA for sanitizer builds.
        unset MMAPLAB_SANDBOX_DATA
    fi
    if ((missing)) || ! lab_build "$extra"; then
        touch "$BATS_FILE_TMPDIR/build.failed"
    fi
}

# make in the lab folder. Under the grader as root, the student's code is
# compiled as a user of its own, in the sandbox: a source file can make the
# compiler read or loop (#include "/dev/zero"), and must not be able to.
lab_build() {
    local extra=$1
    if [[ -z ${MMAPLAB_SANDBOX_BUILD_UID:-} ]]; then
        make -s -C "$LAB_BIN" CC="${CC:-cc}" EXTRA_CFLAGS="$extra" >>"$LAB_BUILD_LOG" 2>&1
        return
    fi
    # The user programs run as must reach (not change) this run's folders.
    chmod 0711 "$BATS_RUN_TMPDIR"
    local report="$BATS_FILE_TMPDIR/build.report"
    "$MMAPLAB_TOOLS/sandbox" --user "$MMAPLAB_SANDBOX_BUILD_UID" --timeout 120 --nproc 64 \
        --dir "$LAB_BIN" --stdout "$LAB_BUILD_LOG.out" --stderr "$LAB_BUILD_LOG.err" --report "$report" \
        -- make -s CC="${CC:-cc}" EXTRA_CFLAGS="$extra" 3>&-
    cat "$LAB_BUILD_LOG.out" "$LAB_BUILD_LOG.err" >>"$LAB_BUILD_LOG"
    sandbox_read_report "$report"
    case $SB_HOW in
    exited) [[ $SB_EXIT == 0 ]] ;;
    timeout) echo "the build ran past 120 s and was stopped" >>"$LAB_BUILD_LOG"; return 1 ;;
    output-limit) echo "the build printed more than the output limit and was stopped" >>"$LAB_BUILD_LOG"; return 1 ;;
    *) echo "the build ended with $SB_SIGNAL" >>"$LAB_BUILD_LOG"; return 1 ;;
    esac
}

# Locate (or build) the sandbox and the call tracer.
lab_tools() {
    local t=${MMAPLAB_TOOLS:-$MMAPLAB_ROOT/build/tools}
    if [[ ! -x $t/sandbox || ! -f $t/calltrace.so ]]; then
        t="$BATS_FILE_TMPDIR/tools"
        mkdir -p "$t"
        if ! cc -std=c11 -Wall -Wextra -Werror -O1 -g \
            "$MMAPLAB_ROOT/tests/lib/sandbox.c" -o "$t/sandbox" ||
            ! cc -std=c11 -Wall -Wextra -Werror -O1 -g -fPIC -shared -fvisibility=hidden \
                "$MMAPLAB_ROOT/tests/lib/calltrace.c" -o "$t/calltrace.so" -ldl; then
            echo "cannot build the test tools (sandbox, calltrace.so)" >&2
            return 1
        fi
    fi
    export MMAPLAB_TOOLS=$t
}

lab_setup() {
    lab_untrace
    WORK="$BATS_TEST_TMPDIR/work"
    TRACE="$BATS_TEST_TMPDIR/trace.log"
    mkdir -p "$WORK"
    : >"$TRACE"
    LESSON_REF="$LAB_LESSON.md"
    RUNS=0
    if [[ -e $BATS_FILE_TMPDIR/build.failed && $BATS_TEST_DESCRIPTION != *"builds with"* ]]; then
        skip "not run: the lab does not build (see the build test)"
    fi
}

# The build test every lab file has first.
lab_assert_built() {
    if [[ -e $BATS_FILE_TMPDIR/build.failed ]]; then
        lab_fail "the lab did not build with the project's flags (-std=c11 -Wall -Wextra -Werror):" \
            "$(head -c 4000 "$LAB_BUILD_LOG")"
    fi
}

# Run one of the lab's programs in the sandbox, traced.
#   run_lab [--stdin FILE] [--timeout S] [--page N] [--fault-info] [--nproc N]
#           [--fsize BYTES] PROGRAM [ARG...]
# Sets: status (exit status, 128+N for a signal), output (stdout as text),
# stderr, LAB_STDOUT / LAB_STDERR (files), and SB_* from the sandbox report.
run_lab() {
    local stdin=/dev/null timeout=10 page="" opts=()
    while [[ $1 == --* ]]; do
        case $1 in
        --stdin) stdin=$2; shift 2 ;;
        --timeout) timeout=$2; shift 2 ;;
        --page) page=$2; shift 2 ;;
        --fault-info) opts+=(--fault-info); shift ;;
        --nproc | --fsize | --output-limit) opts+=("$1" "$2"); shift 2 ;;
        *) echo "run_lab: unknown option $1" >&2; return 2 ;;
        esac
    done
    local prog=$1
    shift
    if [[ -n ${MMAPLAB_TIMEOUT_SCALE:-} ]]; then
        timeout=$(awk -v t="$timeout" -v s="$MMAPLAB_TIMEOUT_SCALE" 'BEGIN { v = t * s; if (v < 0.5) v = 0.5; print v }')
    fi
    RUNS=$((RUNS + 1))
    LAB_STDOUT="$BATS_TEST_TMPDIR/stdout.$RUNS"
    LAB_STDERR="$BATS_TEST_TMPDIR/stderr.$RUNS"
    local report="$BATS_TEST_TMPDIR/report.$RUNS"
    LAST_CMD="$prog $*"

    local asan="verify_asan_link_order=0:handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1"
    # LeakSanitizer cannot run under ptrace, which --fault-info uses.
    [[ " ${opts[*]} " == *" --fault-info "* ]] && asan+=":detect_leaks=0"

    # Assignments before the command rather than env(1), and $(<file) rather
    # than cat: each process saved is milliseconds on a virtual machine, and
    # a lab check makes hundreds of runs. (An empty MMAPLAB_FAKE_PAGESIZE is
    # the real page size.)
    lab_preload "$MMAPLAB_TOOLS/calltrace.so"
    MMAPLAB_TRACE="$TRACE" LD_PRELOAD=$LAB_PRELOAD LD_LIBRARY_PATH=$LAB_PRELOAD_PATH \
        MMAPLAB_FAKE_PAGESIZE="$page" \
        ASAN_OPTIONS="$asan" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
        "$MMAPLAB_TOOLS/sandbox" "${opts[@]}" --timeout "$timeout" --dir "$WORK" \
        --stdin "$stdin" --stdout "$LAB_STDOUT" --stderr "$LAB_STDERR" --report "$report" \
        -- "$LAB_BIN/$prog" "$@" 3>&-
    sandbox_read_report "$report"
    # shellcheck disable=SC2034 # the results, read by the calling test
    {
        status=$SB_EXIT
        output=$(<"$LAB_STDOUT")
        stderr=$(<"$LAB_STDERR")
    }
    sanitizer_check
}

# lab_preload SO: set LAB_PRELOAD and LAB_PRELOAD_PATH, the LD_PRELOAD and
# LD_LIBRARY_PATH that load the shared object SO into a program. It goes by
# its bare name, found on LD_LIBRARY_PATH: LD_PRELOAD splits its list at
# spaces and colons and has no escape, so a full path fails in a folder
# named with a space ("~/OS course/", or such a TMPDIR); LD_LIBRARY_PATH
# splits only at colons and semicolons.
lab_preload() {
    LAB_PRELOAD=${1##*/}
    LAB_PRELOAD_PATH=${1%/*}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
}

# shellcheck disable=SC2034 # every field is set; tests read the ones they need
sandbox_read_report() {
    local k v
    SB_HOW="" SB_EXIT="" SB_SIGNAL="" SB_FAULT_SIGNAL="" SB_FAULT_CODE="" SB_FAULT_ADDR=""
    SB_MAP_PATH="" SB_ADDR_IN_MAP="" SB_FILE_SIZE="" SB_FILE_OFFSET="" SB_PAST_EOF=""
    SB_MAP_OFFSET="" SB_ELAPSED_MS="" SB_LIMITED_STREAM=""
    while IFS='=' read -r k v; do
        case $k in
        how) SB_HOW=$v ;; exit) SB_EXIT=$v ;; signal) SB_SIGNAL=$v ;;
        fault_signal) SB_FAULT_SIGNAL=$v ;; fault_code) SB_FAULT_CODE=$v ;;
        fault_addr) SB_FAULT_ADDR=$v ;; map_path) SB_MAP_PATH=$v ;;
        map_offset) SB_MAP_OFFSET=$v ;; addr_in_map) SB_ADDR_IN_MAP=$v ;;
        file_size) SB_FILE_SIZE=$v ;; file_offset) SB_FILE_OFFSET=$v ;;
        past_eof) SB_PAST_EOF=$v ;; elapsed_ms) SB_ELAPSED_MS=$v ;;
        limited_stream) SB_LIMITED_STREAM=$v ;;
        esac
    done <"$1"
}

# A sanitizer report is a failure of the run even when the exit status
# happens to be the expected one.
sanitizer_check() {
    # A match in bash first ($(<file) is no process): grep runs only when a
    # report may be there.
    local err
    err=$(<"$LAB_STDERR")
    [[ $err == *Sanitizer* || $err == *"runtime error:"* ]] || return 0
    if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LAB_STDERR"; then
        lab_fail "the sanitizers found a bug while running: $LAST_CMD" \
            "$(grep -m1 -A12 -E 'ERROR: |runtime error:' "$LAB_STDERR")"
    fi
}

# Fail with a message, the command that ran, its stderr, the seed that
# reproduces the inputs and the lesson that explains the topic.
lab_fail() {
    {
        local line
        for line in "$@"; do printf '%s\n' "$line"; done
        if [[ -n ${LAST_CMD:-} ]]; then
            printf 'command: %s\n' "$LAST_CMD"
            [[ -s ${LAB_STDERR:-/dev/null} ]] &&
                printf 'its stderr:\n%s\n' "$(head -c 1500 "$LAB_STDERR")"
        fi
        printf 'random seed: MMAPLAB_SEED=%s\n' "$MMAPLAB_SEED"
        [[ -n ${LESSON_REF:-} ]] && printf 'read: lessons/en/%s\n' "$LESSON_REF"
    } | batslib_decorate "FAILED" | fail
}

# Compare the last run's stdout byte for byte with a file.
assert_stdout_is() {
    local want=$1 what=${2:-the expected bytes}
    if ! cmp -s "$LAB_STDOUT" "$want"; then
        local got_n want_n first
        got_n=$(stat -c %s "$LAB_STDOUT")
        want_n=$(stat -c %s "$want")
        first=$(cmp "$LAB_STDOUT" "$want" 2>/dev/null | head -1)
        lab_fail "standard output differs from $what" \
            "expected $want_n bytes, got $got_n bytes${first:+; $first}"
    fi
}

# Compare a file the program wrote with the expected bytes.
assert_file_is() {
    local got=$1 want=$2 what=$3
    if [[ ! -f $got ]]; then
        lab_fail "expected the program to create $what ($(basename "$got")); it does not exist"
    fi
    if ! cmp -s "$got" "$want"; then
        local first
        first=$(cmp "$got" "$want" 2>/dev/null | head -1)
        lab_fail "$what differs from the expected bytes" \
            "expected $(stat -c %s "$want") bytes, the file has $(stat -c %s "$got")${first:+; $first}"
    fi
}

# Hand a test's own file or folder (a FIFO or a folder a preloaded helper
# writes to) to the user student programs run as. Only under the grader
# running as root; otherwise the test's files are the program's already.
lab_share() {
    [[ -n ${MMAPLAB_SANDBOX_UID:-} ]] || return 0
    chown -R "$MMAPLAB_SANDBOX_UID:$MMAPLAB_SANDBOX_UID" "$@"
}
