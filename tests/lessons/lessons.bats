#!/usr/bin/env bats
# The lessons against lessons/FORMAT.md: c run snippets compile and run as
# declared, en/zh parity, relative links, quizzes, and the coverage table of
# lessons/README.md. Each test checks every lesson and lists every failing
# file with its line, so one run shows all that is wrong.
#
# Uses ${MMAPLAB_BUILD:-build}/lessonlint, or builds it into a temp dir.
# MMAPLAB_SNIPPET_TIMEOUT (seconds, default 10) bounds each snippet's run.

load ../lib/batslibs
load_bats_libs bats-support bats-assert
load lessons_lib

setup_file() {
    lessonlint_find_or_build "$BATS_FILE_TMPDIR"
}

setup() {
    cd "$LESSONS_ROOT" || return 1
    shopt -s nullglob
    EN=(lessons/en/*.md)
    ZH=(lessons/zh/*.md)
    LESSONS=("${EN[@]}" "${ZH[@]}")
    shopt -u nullglob
}

# Like bats' run, but a check that two tests share runs once per file. Safe
# when bats runs tests in parallel (--jobs): results are renamed into place.
run_cached() {
    local name="$1" st=0
    shift
    local f="$BATS_FILE_TMPDIR/cached-$name"
    if [[ ! -e "$f.status" ]]; then
        "$@" >"$f.out.$BASHPID" 2>&1 || st=$?
        echo "$st" >"$f.status.$BASHPID"
        mv -f "$f.out.$BASHPID" "$f.out"
        mv -f "$f.status.$BASHPID" "$f.status"
    fi
    output="$(<"$f.out")"
    status="$(<"$f.status")"
}

# Fail with everything a check printed, or pass.
fail_with_output() {
    local what="$1"
    fail "$what:"$'\n'"$output"
}

# "04-x (3 links, first a.md:12); 05-y (...)" from the PENDING lines of a
# link check, on one line for the skip message.
pending_summary() {
    # shellcheck disable=SC2016 # the backquotes are Markdown code marks
    grep '^PENDING' <<<"$output" |
        sed -E 's/^PENDING ([^ ]+): link `[^`]*`: lab [0-9]+ \(([^)]*)\).*/\2 \1/' |
        awk '{ if (!($1 in first)) first[$1] = $2; n[$1]++ }
             END { for (l in n) printf "%s (%d link%s, first %s)\n", l, n[l], (n[l] > 1 ? "s" : ""), first[l] }' |
        sort | paste -sd ';' | sed 's/;/; /g'
}

@test "lessons: lessonlint reads every lesson (fences, info strings, quizzes, UTF-8)" {
    local md out bad=""
    for md in "${LESSONS[@]}"; do
        if ! out="$("$LESSONLINT" outline "$md" 2>&1 >/dev/null)"; then
            bad+="$out"$'\n'
        fi
    done
    [[ -z "$bad" ]] || fail "lessons that break lessons/FORMAT.md:"$'\n'"$bad"
}

@test "lessons: en and zh hold the same lesson files" {
    run_cached parity lessons_fresh check_parity lessons/en lessons/zh
    # outline differences are the next test's business
    output="$(grep -E ': no (Chinese|English) version' <<<"$output" || true)"
    [[ -z "$output" ]] || fail_with_output "lesson files without a translation"
}

@test "lessons: en and zh have the same outline (headings, code without comments, quiz shape)" {
    run_cached parity lessons_fresh check_parity lessons/en lessons/zh
    output="$(grep -vE ': no (Chinese|English) version' <<<"$output" || true)"
    [[ -z "$output" ]] || fail_with_output "en/zh pairs that differ"
}

@test "lessons: every c run snippet compiles and exits as declared" {
    run lessons_fresh check_snippets "${LESSONS[@]}"
    ((status == 0)) || fail_with_output "snippets that fail"
}

@test "lessons: every quiz block parses" {
    run lessons_fresh check_quizzes "${LESSONS[@]}"
    ((status == 0)) || fail_with_output "quiz blocks that do not parse"
}

@test "lessons: every chapter has exactly one quiz block" {
    run lessons_fresh check_one_quiz "${LESSONS[@]}"
    ((status == 0)) || fail_with_output "chapters with the wrong number of quizzes"
}

@test "lessons: relative links resolve (files and anchors)" {
    run_cached links lessons_fresh check_links . "${LESSONS[@]}" lessons/README.md
    output="$(grep -v '^PENDING' <<<"$output" || true)"
    [[ -z "$output" ]] || fail_with_output "broken links"
}

@test "lessons: links to labs not yet in labs/manifest" {
    run_cached links lessons_fresh check_links . "${LESSONS[@]}" lessons/README.md
    local pending
    pending="$(pending_summary)"
    [[ -z "$pending" ]] || skip "not in labs/manifest yet: $pending"
}

@test "lessons/README.md: the coverage table lists existing chapters and labs" {
    run_cached coverage lessons_fresh check_coverage . lessons/README.md
    output="$(grep -v '^PENDING' <<<"$output" || true)"
    [[ -z "$output" ]] || fail_with_output "coverage table problems"
}

@test "lessons/README.md: coverage table labs not yet in labs/manifest" {
    run_cached coverage lessons_fresh check_coverage . lessons/README.md
    local pending
    pending="$(pending_summary)"
    [[ -z "$pending" ]] || skip "not in labs/manifest yet: $pending"
}

@test "playground scenarios: each parses, en and zh have the same scenarios and outlines" {
    [[ -d lessons/scenarios ]] || skip "no lessons/scenarios"
    run lessons_fresh check_scenarios lessons/scenarios
    ((status == 0)) || fail_with_output "scenario problems"
}

@test "playground scenarios: chapters 02, 07, 08 and 09 link one, in English and in Chinese" {
    local ch lang missing=""
    for ch in 02 07 08 09; do
        for lang in en zh; do
            grep -qE "\]\(\.\./scenarios/$lang/[0-9][0-9]-[a-z0-9-]+\.txt\)" lessons/$lang/$ch-*.md ||
                missing+=" lessons/$lang/$ch-*.md"
        done
    done
    [[ -z "$missing" ]] || fail "chapters without a scenario link:$missing"
}
