# shellcheck shell=bash
# Sourced by tests/run. The fuzz suite: each libFuzzer target of fuzz/
# (built by `make test` into $B/fuzz/) replays its saved corpus
# (fuzz/corpus/TARGET/) and the inputs that once crashed it
# (fuzz/regressions/TARGET/), then fuzzes for a short fresh run from there.
# One TAP test per target. A failure names the input libFuzzer saved and
# the command that reproduces it.
#
#   MMAPLAB_FUZZ_RUNS  fresh runs per target after the replay (default 2000)
#   MMAPLAB_FUZZ_SEED  libFuzzer's -seed (default 0: a new seed each run,
#                      printed in the test's line so a failure can be re-run)

# fuzz_target N TARGET: one TAP line (and diagnostics) for one target.
fuzz_target() {
    local n=$1 t=$2 runs=${MMAPLAB_FUZZ_RUNS:-2000} seed=${MMAPLAB_FUZZ_SEED:-0}
    local bin=$B/fuzz/fuzz_$t work=$OUT/fuzz/$t
    local name="fuzz_$t: saved inputs and regressions replayed, then $runs fresh runs"
    if [[ ! -x $bin ]]; then
        echo "not ok $n $name"
        echo "# $bin is not built (make B=$B fuzz-build)"
        return
    fi
    rm -rf "$work"
    mkdir -p "$work/new"
    # New inputs go to the first folder (a scratch one): the saved corpus
    # is only read, and grows by `make fuzz` alone.
    local dirs=("$work/new" "fuzz/corpus/$t") dict=()
    [[ -d fuzz/regressions/$t ]] && dirs+=("fuzz/regressions/$t")
    [[ -f fuzz/dict/$t.dict ]] && dict=("-dict=fuzz/dict/$t.dict")
    local saved
    saved=$(find "${dirs[@]:1}" -type f | wc -l)
    # -runs counts the replay too (one run per saved input, plus the empty
    # input); -max_total_time bounds a slow target.
    "$bin" -runs=$((saved + 1 + runs)) -seed="$seed" -timeout=10 -max_total_time=30 \
        -artifact_prefix="$work/" "${dict[@]}" "${dirs[@]}" >"$work/log" 2>&1
    local rc=$?
    local used
    used=$(sed -n 's/^INFO: Seed: //p' "$work/log" | head -1)
    if ((rc == 0)) && grep -q '^Done [0-9]* runs' "$work/log"; then
        echo "ok $n $name ($saved saved inputs, seed ${used:-?})"
        return
    fi
    echo "not ok $n $name (seed ${used:-?})"
    grep -E '^SUMMARY|ERROR: |runtime error' "$work/log" | head -5 | sed 's/^/# /'
    local input
    input=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
        -o -name 'oom-*' \) | head -1)
    if [[ -n $input ]]; then
        echo "# input: $input"
        echo "# reproduce: $bin $input"
        echo "# once fixed, keep it: cp $input fuzz/regressions/$t/SHORT-NAME"
    fi
    echo "# full log: $work/log (exit status $rc)"
}

suite_fuzz() {
    local f t n=0 targets=()
    for f in fuzz/fuzz_*.c; do
        [[ -f $f ]] || continue
        t=${f#fuzz/fuzz_}
        targets+=("${t%.c}")
    done
    {
        echo "1..${#targets[@]}"
        for t in "${targets[@]}"; do
            n=$((n + 1))
            fuzz_target "$n" "$t"
        done
    } >"$OUT/fuzz.tap"
    count fuzz "$OUT/fuzz.tap"
}

EXTRA_SUITES+=(fuzz)
