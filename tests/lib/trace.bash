# shellcheck shell=bash
# Assertions over the call tracer's log ($TRACE, written by calltrace.so).
# A log line is:  PID CALL key=value ... ret=VALUE [errno=NAME]
#
# Paths in the log are escaped (calltrace.c put_escaped: '%', space, '='
# and newline as %25, %20, %3D and %0A), so that fields split on spaces;
# a test compares them with trace_path, which writes a path the same way.
# Values reach awk through the environment, never -v, which would take the
# backslashes in a path for escapes. (The run folder is under TMPDIR,
# which may hold any of these.)

# trace_select CALL [KEY=VALUE...]: lines of that call whose fields equal the
# given values, in call order.
trace_select() {
    local call=$1
    shift
    TRACE_CALL=$call TRACE_FILTERS="$*" awk '
        BEGIN { call = ENVIRON["TRACE_CALL"]; n = split(ENVIRON["TRACE_FILTERS"], f, " ") }
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

# real_path_set NAME PATH: set NAME to PATH with its links resolved, as
# the kernel names the file (realpath -m). The folder is resolved by cd -P
# in this shell, not by a realpath process; realpath -m is left for what
# that cannot do (a missing folder, a linked file).
real_path_set() {
    local _rp_p=$2
    [[ $_rp_p == /* ]] || _rp_p=$PWD/$_rp_p
    local _rp_dir=${_rp_p%/*} _rp_base=${_rp_p##*/}
    _rp_dir=${_rp_dir:-/}
    if [[ -n $_rp_base && $_rp_base != . && $_rp_base != .. && ! -L $_rp_p && -d $_rp_dir ]]; then
        local _rp_back=$PWD _rp_real
        if cd -P -- "$_rp_dir" 2>/dev/null; then
            _rp_real=$PWD
            cd -- "$_rp_back" || return 1
            printf -v "$1" '%s' "${_rp_real%/}/$_rp_base"
            return
        fi
    fi
    local _rp_out
    _rp_out=$(realpath -m -- "$2") || return
    printf -v "$1" '%s' "$_rp_out"
}

# real_path PATH: print it.
real_path() {
    local real
    real_path_set real "$1" || return
    printf '%s\n' "$real"
}

# trace_escape NAME STRING: set NAME to STRING escaped as the log writes
# paths; trace_unescape NAME STRING undoes it.
trace_escape() {
    local _te=${2//%/%25}
    _te=${_te// /%20}
    _te=${_te//=/%3D}
    printf -v "$1" '%s' "${_te//$'\n'/%0A}"
}
trace_unescape() {
    local _tu=${2//%20/ }
    _tu=${_tu//%3D/=}
    _tu=${_tu//%0A/$'\n'}
    printf -v "$1" '%s' "${_tu//%25/%}"
}

# trace_path PATH: the path the tracer logs for a file: its real path,
# escaped.
trace_path() {
    local path
    real_path_set path "$1" || return
    trace_escape path "$path"
    printf '%s\n' "$path"
}

# Fail if PATH was read with read()/pread() or opened with fopen().
assert_no_read_of() {
    local p
    p=$(trace_path "$1")
    local bad
    bad=$(TRACE_P="path=$p" awk '($2 == "read" || $2 == "pread" || $2 == "fopen") {
            for (j = 3; j <= NF; j++) if ($j == ENVIRON["TRACE_P"]) { print; if (++n == 5) exit; break } }' "$TRACE")
    if [[ -n $bad ]]; then
        lab_fail "expected $(basename "$1") to be read only through its mapping; the tracer saw:" "$bad"
    fi
}

# Fail if PATH was written with write()/pwrite().
assert_no_write_to() {
    local p
    p=$(trace_path "$1")
    local bad
    bad=$(TRACE_P="path=$p" awk '($2 == "write" || $2 == "pwrite") {
            for (j = 3; j <= NF; j++) if ($j == ENVIRON["TRACE_P"]) { print; if (++n == 5) exit; break } }' "$TRACE")
    if [[ -n $bad ]]; then
        lab_fail "expected $(basename "$1") to be written only through its mapping; the tracer saw:" "$bad"
    fi
}

# Successful mmap calls of a file (by path).
trace_mmaps_of() {
    local p
    p=$(trace_path "$1")
    TRACE_P="path=$p" awk '$2 == "mmap" && !/ errno=/ {
            for (j = 3; j <= NF; j++) if ($j == ENVIRON["TRACE_P"]) { print; break } }' "$TRACE"
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
