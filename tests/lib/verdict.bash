# shellcheck shell=bash
# Signal verdicts: how a sandboxed run ended, said in words a student can act
# on. They read the SB_* variables that run_lab sets from the sandbox report.

# Plain-words name of a signal.
signal_words() {
    case $1 in
    SIGBUS) echo "SIGBUS (bus error)" ;;
    SIGSEGV) echo "SIGSEGV (segmentation fault)" ;;
    SIGABRT) echo "SIGABRT (abort, often a failed assert or a sanitizer)" ;;
    SIGKILL) echo "SIGKILL (killed)" ;;
    SIGFPE) echo "SIGFPE (arithmetic error)" ;;
    SIGXCPU) echo "SIGXCPU (CPU time limit reached)" ;;
    SIGXFSZ) echo "SIGXFSZ (file size limit reached)" ;;
    SIGPIPE) echo "SIGPIPE (write to a closed pipe)" ;;
    *) echo "$1" ;;
    esac
}

# Where a fault happened, relative to the mapping and to the end of the file.
fault_words() {
    [[ -n $SB_FAULT_SIGNAL ]] || return 0
    local s="$SB_FAULT_SIGNAL with $SB_FAULT_CODE at $SB_FAULT_ADDR"
    if [[ -n $SB_ADDR_IN_MAP ]]; then
        s+=": byte $SB_ADDR_IN_MAP of the mapping of $SB_MAP_PATH"
        if [[ -n $SB_FILE_SIZE ]]; then
            s+=" (file offset $SB_FILE_OFFSET; the file is $SB_FILE_SIZE bytes long, so "
            if ((SB_PAST_EOF >= 0)); then
                s+="$SB_PAST_EOF bytes past its end)"
            else
                s+="$((-SB_PAST_EOF)) bytes before its end)"
            fi
        fi
    elif [[ -n $SB_MAP_PATH ]]; then
        s+=" ($SB_MAP_PATH)"
    fi
    printf '%s\n' "$s"
}

# One sentence for how the last run ended.
ending_words() {
    case $SB_HOW in
    exited) echo "it exited with status $SB_EXIT" ;;
    signaled)
        local f
        f=$(fault_words)
        echo "it was killed by $(signal_words "$SB_SIGNAL")${f:+: $f}"
        ;;
    timeout) echo "it was still running after the time limit and was killed" ;;
    output-limit) echo "it printed more than the output limit on $SB_LIMITED_STREAM and was killed" ;;
    *) echo "the sandbox did not report how it ended" ;;
    esac
}

assert_killed_by() {
    local want=$1 code=${2:-}
    if [[ $SB_HOW != signaled || $SB_SIGNAL != "$want" ]]; then
        lab_fail "expected death by $(signal_words "$want"); $(ending_words)"
    fi
    if [[ -n $code && $SB_FAULT_CODE != "$code" ]]; then
        lab_fail "expected $want with si_code $code; got $(fault_words)"
    fi
}

assert_not_killed() {
    case $SB_HOW in
    exited) return 0 ;;
    *) lab_fail "expected the program to finish normally; $(ending_words)" ;;
    esac
}

assert_exit() {
    local want=$1
    if [[ $SB_HOW != exited || $SB_EXIT != "$want" ]]; then
        lab_fail "expected exit status $want; $(ending_words)"
    fi
}

# assert_stderr_has TEXT [WHY]: a fixed-string search of the last stderr.
assert_stderr_has() {
    local err
    err=$(<"$LAB_STDERR")
    if [[ $err != *"$1"* ]]; then
        lab_fail "expected standard error to contain: $1${2:+ ($2)}" \
            "it was: $(head -c 600 "$LAB_STDERR")"
    fi
}
