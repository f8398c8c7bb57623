# shellcheck shell=bash
# Assertions over the call tracer's log ($TRACE, written by calltrace.so).
# A log line is:  PID CALL key=value ... ret=VALUE [errno=NAME]

# trace_select CALL [KEY=VALUE...]: lines of that call whose fields equal the
# given values, in call order.
trace_select() {
    local call=$1
    shift
    awk -v call="$call" -v filters="$*" '
        BEGIN { n = split(filters, f, " ") }
        $2 != call { next }
        {
            for (i = 1; i <= n; i++) {
                found = 0
                for (j = 3; j <= NF; j++) if ($j == f[i]) { found = 1; break }
                if (!found) next
            }
            print
        }' "$TRACE"
}

# trace_field LINE KEY: the value of KEY in a log line.
trace_field() {
    local line=" $1 " key=$2
    local rest=${line#* "$key"=}
    [[ $rest == "$line" ]] && return 1
    printf '%s\n' "${rest%% *}"
}

# Line number (order) of a log line in the trace, for before/after checks.
trace_order() {
    grep -nxF -- "$1" "$TRACE" | head -1 | cut -d: -f1
}

# Every call in the log that touched PATH, for failure messages.
trace_about() {
    grep -F -- "path=$1" "$TRACE" | head -20
}

# The real path the tracer logs for a file (symlinks resolved).
trace_path() { realpath -m -- "$1"; }

# Fail if PATH was read with read()/pread() or opened with fopen().
assert_no_read_of() {
    local p
    p=$(trace_path "$1")
    local bad
    bad=$(awk -v p="path=$p" '($2 == "read" || $2 == "pread" || $2 == "fopen") {
            for (j = 3; j <= NF; j++) if ($j == p) { print; break } }' "$TRACE" | head -5)
    if [[ -n $bad ]]; then
        lab_fail "expected $(basename "$1") to be read only through its mapping; the tracer saw:" "$bad"
    fi
}

# Fail if PATH was written with write()/pwrite().
assert_no_write_to() {
    local p
    p=$(trace_path "$1")
    local bad
    bad=$(awk -v p="path=$p" '($2 == "write" || $2 == "pwrite") {
            for (j = 3; j <= NF; j++) if ($j == p) { print; break } }' "$TRACE" | head -5)
    if [[ -n $bad ]]; then
        lab_fail "expected $(basename "$1") to be written only through its mapping; the tracer saw:" "$bad"
    fi
}

# Successful mmap calls of a file (by path).
trace_mmaps_of() {
    local p
    p=$(trace_path "$1")
    trace_select mmap "path=$p" | grep -v ' errno='
}

# assert_munmapped LINE: the mapping made by this mmap log line was unmapped
# with the same address and a length that covers it.
assert_munmapped() {
    local line=$1 addr len
    addr=$(trace_field "$line" ret)
    len=$(trace_field "$line" len)
    # The first munmap of that address after this mmap: the same address
    # may be reused by a later mapping.
    local un at
    at=$(trace_order "$line")
    un=$(awk -v at="${at:-0}" -v a="addr=$addr" 'NR > at && $2 == "munmap" && $3 == a && / ret=0$/ { print; exit }' "$TRACE")
    if [[ -z $un ]]; then
        lab_fail "expected munmap of the mapping at $addr (length $len); the tracer saw none" \
            "mmap call: $line"
    fi
    local ulen
    ulen=$(trace_field "$un" len)
    if ((ulen < len)); then
        lab_fail "munmap at $addr covers $ulen bytes but the mapping is $len bytes" "$un"
    fi
}
