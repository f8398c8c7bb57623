# shellcheck shell=bash
# Sourced by tests/run. The lint suite: each linter of scripts/lint
# (cppcheck, clang-tidy, shellcheck) is one TAP test, which fails with the
# linter's findings as its diagnostics. clang-tidy re-checks only what
# changed since its last clean pass (MMAPLAB_LINT_FRESH=1: everything).

suite_lint() {
    local l n=0 linters=(cppcheck clang-tidy shellcheck) t0 log rc
    {
        echo "1..${#linters[@]}"
        for l in "${linters[@]}"; do
            n=$((n + 1))
            log=$OUT/lint-$l.log
            t0=$SECONDS
            MMAPLAB_BUILD=$B scripts/lint "$l" >"$log" 2>&1
            rc=$?
            if ((rc == 0)); then
                echo "ok $n $l: no findings ($(head -1 "$log" | sed 's/^[^:]*: //'), $((SECONDS - t0)) s)"
            else
                echo "not ok $n $l: findings (settings: .clang-tidy, .cppcheck-suppressions, scripts/lint)"
                sed -n '2,60s/^/# /p' "$log"
                (($(wc -l <"$log") > 61)) && echo "# ... (all of it in $log)"
            fi
        done
    } >"$OUT/lint.tap"
    count lint "$OUT/lint.tap"
}

EXTRA_SUITES+=(lint)
