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

# trace_get NAME LINE KEY: set NAME to the value of KEY in a log line,
# without a subshell (1 when the line has no such key).
trace_get() {
    local _tg_line=" $2 "
    local _tg_rest=${_tg_line#* "$3"=}
    [[ $_tg_rest == "$_tg_line" ]] && return 1
    printf -v "$1" '%s' "${_tg_rest%% *}"
}

# trace_field LINE KEY: print the value of KEY in a log line.
trace_field() {
    local value
    trace_get value "$1" "$2" || return 1
    printf '%s\n' "$value"
}

# Line number (order) of a log line in the trace, for before/after checks.
trace_order() {
    # Through the environment: awk -v would turn the backslashes of escaped
    # paths into escapes.
    TRACE_WANT=$1 awk '$0 == ENVIRON["TRACE_WANT"] { print NR; exit }' "$TRACE"
}

# Every call in the log that touched PATH, for failure messages.
trace_about() {
    grep -F -- "path=$1" "$TRACE" | head -20
}

# The real path the tracer logs for a file (symlinks resolved). The folder
# is resolved by cd -P in this shell, not by a realpath process; realpath
# -m is left for what that cannot do (a missing folder, a linked file).
trace_path() {
    local p=$1
    [[ $p == /* ]] || p=$PWD/$p
    local dir=${p%/*} base=${p##*/}
    dir=${dir:-/}
    if [[ -n $base && $base != . && $base != .. && ! -L $p && -d $dir ]]; then
        local back=$PWD real
        if cd -P -- "$dir" 2>/dev/null; then
            real=$PWD
            cd -- "$back" || return 1
            printf '%s\n' "${real%/}/$base"
            return
        fi
    fi
    realpath -m -- "$1"
}

# Fail if PATH was read with read()/pread() or opened with fopen().
assert_no_read_of() {
    local p
    p=$(trace_path "$1")
    local bad
    bad=$(awk -v p="path=$p" '($2 == "read" || $2 == "pread" || $2 == "fopen") {
            for (j = 3; j <= NF; j++) if ($j == p) { print; if (++n == 5) exit; break } }' "$TRACE")
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
            for (j = 3; j <= NF; j++) if ($j == p) { print; if (++n == 5) exit; break } }' "$TRACE")
    if [[ -n $bad ]]; then
        lab_fail "expected $(basename "$1") to be written only through its mapping; the tracer saw:" "$bad"
    fi
}

# Successful mmap calls of a file (by path).
trace_mmaps_of() {
    local p
    p=$(trace_path "$1")
    awk -v p="path=$p" '$2 == "mmap" && !/ errno=/ {
            for (j = 3; j <= NF; j++) if ($j == p) { print; break } }' "$TRACE"
}

# assert_munmapped LINE: the mapping made by this mmap log line was unmapped
# with the same address and a length that covers it.
assert_munmapped() {
    local line=$1 addr len
    trace_get addr "$line" ret
    trace_get len "$line" len
    # The first munmap of that address after this mmap: the same address
    # may be reused by a later mapping.
    local un ulen
    un=$(TRACE_WANT=$line awk -v a="addr=$addr" '
        seen && $2 == "munmap" && $3 == a && / ret=0$/ { print; exit }
        $0 == ENVIRON["TRACE_WANT"] { seen = 1 }' "$TRACE")
    if [[ -z $un ]]; then
        lab_fail "expected munmap of the mapping at $addr (length $len); the tracer saw none" \
            "mmap call: $line"
    fi
    trace_get ulen "$un" len
    if ((ulen < len)); then
        lab_fail "munmap at $addr covers $ulen bytes but the mapping is $len bytes" "$un"
    fi
}
