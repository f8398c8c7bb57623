# Shared by tests/lessons/lessons.bats (the real lessons) and
# tests/lessons/lessonlint.bats (fixtures that prove each check can fail).
#
# Every check_* function prints one block of text per problem on stdout and
# returns 1 when it found a problem, so a test can show everything that is
# wrong at once. Messages start with the file (and line) they are about.
# Tests call them through lessons_fresh (a child bash without bats' traps).

LESSONS_ROOT="$(cd "${BATS_TEST_DIRNAME:-$(dirname "${BASH_SOURCE[0]}")}/../.." && pwd)"
export LESSONS_ROOT

# Seconds a `c run` program may run before it is killed.
: "${MMAPLAB_SNIPPET_TIMEOUT:=10}"
export MMAPLAB_SNIPPET_TIMEOUT

# Find build/lessonlint (or $MMAPLAB_BUILD/lessonlint); build it into $1 (a
# temporary directory) when it is missing or older than its sources. Sets and
# exports LESSONLINT.
lessonlint_find_or_build() {
    local tmp="$1" build="${MMAPLAB_BUILD:-build}" src fresh=1
    case "$build" in /*) ;; *) build="$LESSONS_ROOT/$build" ;; esac
    for src in tests/lessons/lessonlint.c tui/quiz.c tui/quiz.h tui/scenario.c tui/scenario.h; do
        [[ "$LESSONS_ROOT/$src" -nt "$build/lessonlint" ]] && fresh=0
    done
    if [[ -x "$build/lessonlint" ]] && ((fresh)); then
        LESSONLINT="$build/lessonlint"
    else
        LESSONLINT="$tmp/lessonlint"
        # shellcheck disable=SC2046 # pkg-config prints several words on purpose
        (cd "$LESSONS_ROOT" &&
            cc -std=c11 -Wall -Wextra -Werror -O1 -g -Itui tests/lessons/lessonlint.c tui/quiz.c tui/scenario.c \
                $(pkg-config --cflags --libs md4c) -o "$LESSONLINT") || return 1
    fi
    export LESSONLINT
}

# Path of a file relative to the repository root, for messages.
lessons_rel() {
    local p="$1"
    case "$p" in "$LESSONS_ROOT"/*) p="${p#"$LESSONS_ROOT"/}" ;; esac
    printf '%s\n' "$p"
}

# Indent a file's text (at most $2 lines) under a message.
lessons_indent() {
    local file="$1" max="${2:-20}" n
    [[ -s "$file" ]] || return 0
    n=$(wc -l <"$file")
    head -n "$max" "$file" | sed 's/^/    /'
    if ((n > max)); then echo "    ... ($((n - max)) more lines)"; fi
}

# --------------------------------------------------------------- snippets

# The "code c run EXPECT HASH" lines of a lesson's outline, one per snippet in
# order (HASH is of the code without comments).
snippet_hashes() {
    "$LESSONLINT" outline "$1" 2>/dev/null | sed -n 's/^code c run //p'
}

# Compile and run every `c run` block of one lesson, one after the other, in
# work directory $2. Prints a message per failing snippet.
#
# $3, optional: the snippet_hashes of a lesson whose snippets already passed
# (the English version of this chapter). A snippet whose code without
# comments and expectation are the same as the one at the same position
# there is only compiled (-fsyntax-only, all warnings are front-end ones),
# not linked and run again: its program is the same. MMAPLAB_SNIPPETS_FULL=1
# turns this off.
snippet_check_file() {
    local md="$1" work="$2" passed="${3:-}" rel list name line expect dir rc start elapsed want got
    local -a mine=() theirs=()
    local idx=0
    rel="$(lessons_rel "$md")"
    if [[ -n "$passed" && "${MMAPLAB_SNIPPETS_FULL:-0}" != 1 ]]; then
        mapfile -t theirs <<<"$passed"
        mapfile -t mine < <(snippet_hashes "$md")
    fi
    mkdir -p "$work"
    if ! list="$("$LESSONLINT" snippets "$md" "$work/src" 2>"$work/lint.err")"; then
        echo "$rel: lessonlint cannot read the lesson:"
        lessons_indent "$work/lint.err"
        return 1
    fi
    local failed=0
    while read -r name line expect; do
        [[ -n "$name" ]] || continue
        dir="$work/${name%.c}"
        mkdir -p "$dir/cwd"
        idx=$((idx + 1))
        if [[ -n "${mine[idx - 1]:-}" && "${mine[idx - 1]}" == "${theirs[idx - 1]:-}" ]]; then
            if ! cc -std=c11 -Wall -Wextra -Werror -O1 -fsyntax-only "$work/src/$name" \
                >"$dir/cc.out" 2>&1; then
                echo "$rel:$line: c run snippet does not compile (cc -std=c11 -Wall -Wextra -Werror -O1):"
                lessons_indent "$dir/cc.out" 30
                failed=1
            fi
            continue
        fi
        if ! cc -std=c11 -Wall -Wextra -Werror -O1 -o "$dir/prog" "$work/src/$name" \
            >"$dir/cc.out" 2>&1; then
            echo "$rel:$line: c run snippet does not compile (cc -std=c11 -Wall -Wextra -Werror -O1):"
            lessons_indent "$dir/cc.out" 30
            failed=1
            continue
        fi
        start=${EPOCHREALTIME/[.,]/}
        (
            cd "$dir/cwd" || exit 99
            ulimit -c 0
            exec timeout -s KILL "$MMAPLAB_SNIPPET_TIMEOUT" ../prog </dev/null >../out 2>../err 3>&-
        ) 2>/dev/null
        rc=$?
        elapsed=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
        if ((rc == 137 && elapsed >= MMAPLAB_SNIPPET_TIMEOUT * 1000)); then
            got="did not finish within $MMAPLAB_SNIPPET_TIMEOUT s and was killed"
        elif ((rc > 128)); then
            got="SIG$(kill -l $((rc - 128)) 2>/dev/null || echo "$((rc - 128))")"
        else
            got="exit:$rc"
        fi
        if [[ "$got" != "$expect" ]]; then
            case "$expect" in
            exit:*) want="exit with status ${expect#exit:}" ;;
            *) want="die by $expect" ;;
            esac
            case "$got" in
            exit:*) got="it exited with status ${got#exit:}" ;;
            SIG*) got="it was killed by $got" ;;
            *) got="it $got" ;;
            esac
            echo "$rel:$line: c run snippet should $want, but $got (after ${elapsed} ms)"
            if [[ -s "$dir/out" ]]; then echo "  stdout:"; lessons_indent "$dir/out" 10; fi
            if [[ -s "$dir/err" ]]; then echo "  stderr:"; lessons_indent "$dir/err" 10; fi
            failed=1
        fi
    done <<<"$list"
    return "$failed"
}

# One job of check_snippets: the lessons named in "$@" (the en and zh files of
# one chapter, run one after the other so that they never race for the same
# shared-memory name or file), output into $WORK/<n>.out.
snippet_job() {
    local out="$1" i=0 md passed="" first_ok=0
    shift
    : >"$out"
    for md in "$@"; do
        i=$((i + 1))
        # stderr would get bash's "Bus error" job notices, not ours
        if snippet_check_file "$md" "$out.d/$i" "$passed" >>"$out" 2>/dev/null; then
            # the first file's snippets all passed: later files (translations)
            # need not run the same programs again
            ((i == 1)) && first_ok=1
        fi
        if ((i == 1 && first_ok)); then
            passed="$(snippet_hashes "$md")"
        fi
    done
}

# Check the snippets of all the lessons given, chapters in parallel (as many
# jobs as processors).
check_snippets() {
    local work f base k=0 n outs=() files=()
    work="$(mktemp -d "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/snippets.XXXXXX")"
    n="$(nproc 2>/dev/null || echo 2)"
    # group the files by name: en/07-sigbus.md and zh/07-sigbus.md together
    declare -A group=()
    for f in "$@"; do
        base="$(basename "$f")"
        group[$base]+="$f"$'\n'
    done
    for base in $(printf '%s\n' "${!group[@]}" | sort); do
        k=$((k + 1))
        outs+=("$work/$k")
        mapfile -t files <<<"${group[$base]%$'\n'}"
        snippet_job "$work/$k" "${files[@]}" &
        while (($(jobs -rp | wc -l) >= n)); do wait -n; done
    done
    wait
    local failed=0 j
    for j in "${outs[@]}"; do
        if [[ -s "$j" ]]; then
            cat "$j"
            failed=1
        fi
    done
    return "$failed"
}

# --------------------------------------------------------------- en/zh parity

# md_names DIR: the names of the *.md files in DIR, one per line.
md_names() {
    local f
    for f in "$1"/*.md; do
        [[ -e $f ]] && printf '%s\n' "${f##*/}"
    done
}

# Same file names in both directories; the outline of each pair identical.
check_parity() {
    local en="$1" zh="$2" failed=0 f base
    local only_en only_zh
    only_en="$(comm -23 <(md_names "$en" | sort) <(md_names "$zh" | sort))"
    only_zh="$(comm -13 <(md_names "$en" | sort) <(md_names "$zh" | sort))"
    for f in $only_en; do
        echo "$(lessons_rel "$en/$f"): no Chinese version $(lessons_rel "$zh/$f")"
        failed=1
    done
    for f in $only_zh; do
        echo "$(lessons_rel "$zh/$f"): no English version $(lessons_rel "$en/$f")"
        failed=1
    done
    local tmp
    tmp="$(mktemp -d "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/parity.XXXXXX")"
    for f in "$en"/*.md; do
        [[ -e "$f" ]] || continue
        base="$(basename "$f")"
        [[ -e "$zh/$base" ]] || continue
        local a b
        a="$(lessons_rel "$en/$base")"
        b="$(lessons_rel "$zh/$base")"
        if ! "$LESSONLINT" outline --code "$en/$base" >"$tmp/en" 2>"$tmp/en.err"; then
            echo "$a: cannot outline:"
            lessons_indent "$tmp/en.err"
            failed=1
            continue
        fi
        if ! "$LESSONLINT" outline --code "$zh/$base" >"$tmp/zh" 2>"$tmp/zh.err"; then
            echo "$b: cannot outline:"
            lessons_indent "$tmp/zh.err"
            failed=1
            continue
        fi
        if ! cmp -s "$tmp/en" "$tmp/zh"; then
            echo "$a and $b differ in structure (headings, code without comments, quiz shape):"
            diff -u --label "$a" --label "$b" "$tmp/en" "$tmp/zh" | sed 's/^/    /' | head -n 60
            failed=1
        fi
    done
    return "$failed"
}

# --------------------------------------------------------------- links
#
# Written with bash builtins only (no process per link): the lessons have
# hundreds of links and process creation is slow on some CI machines.

# Normalise an absolute path lexically ("a/./b/../c" -> "a/c"); no symlinks.
# The result is in REPLY.
lessons_normpath() {
    local IFS=/ part out=()
    local -a parts
    read -ra parts <<<"$1"
    for part in "${parts[@]}"; do
        case "$part" in
        "" | .) ;;
        ..) ((${#out[@]})) && unset 'out[${#out[@]}-1]' ;;
        *) out+=("$part") ;;
        esac
    done
    REPLY="/${out[*]}"
}

# LESSONS_MANIFEST[id]=slug for every lab of labs/manifest under root $1.
lessons_load_manifest() {
    local manifest="$1/labs/manifest" line id slug rest
    declare -gA LESSONS_MANIFEST=()
    [[ -f "$manifest" ]] || return 0
    while IFS= read -r line || [[ -n "$line" ]]; do
        line="${line%%#*}"
        read -r id slug rest <<<"$line"
        [[ -n "$id" && -n "$slug" ]] && LESSONS_MANIFEST[$id]="$slug"
    done <"$manifest"
    return 0
}

# LESSONS_ANCHORS[file] = newline-separated anchors of a Markdown file,
# computed once per file; a file lessonlint cannot read has none.
declare -gA LESSONS_ANCHORS=()
lessons_has_anchor() {
    local md="$1" frag="$2" out
    if [[ -z "${LESSONS_ANCHORS[$md]+set}" ]]; then
        out="$("$LESSONLINT" links "$md" 2>/dev/null)" || out=""
        LESSONS_ANCHORS[$md]=$'\n'"$(sed -n 's/^anchor //p' <<<"$out")"$'\n'
    fi
    [[ "${LESSONS_ANCHORS[$md]}" == *$'\n'"$frag"$'\n'* ]]
}

# Check one link target of a file: sets LESSONS_RESULT to "", "FAIL msg" or
# "PENDING msg" (a variable, not output, so that no subshell loses the caches).
# Needs lessons_load_manifest first; $1 is the root (absolute, normalised).
lessons_check_target() {
    local root="$1" md="$2" line="$3" target="$4"
    local where path frag="" abs relpath
    LESSONS_RESULT=""
    where="${md#"$LESSONS_ROOT"/}:$line: link \`$target\`"
    path="${target%%#*}"
    [[ "$target" == *"#"* ]] && frag="${target#*#}"
    path="${path%%\?*}"
    if [[ -z "$path" ]]; then
        abs="$md"
    else
        lessons_normpath "${md%/*}/$path"
        abs="$REPLY"
    fi
    case "$abs/" in
    "$root"/*) relpath="${abs#"$root"/}" ;;
    *)
        LESSONS_RESULT="FAIL $where: points outside the repository"
        return
        ;;
    esac
    # a lab: labs/NN-slug/...
    if [[ "$relpath" =~ ^labs/([0-9]+)-([^/]+)(/|$) ]]; then
        local id="${BASH_REMATCH[1]}" slug="${BASH_REMATCH[2]}" mslug
        mslug="${LESSONS_MANIFEST[$id]:-}"
        if [[ -z "$mslug" ]]; then
            LESSONS_RESULT="PENDING $where: lab $id ($id-$slug) is not in labs/manifest yet"
            return
        fi
        if [[ "$mslug" != "$slug" ]]; then
            LESSONS_RESULT="FAIL $where: labs/manifest calls lab $id \`$mslug\`, not \`$slug\`"
            return
        fi
    fi
    if [[ ! -e "$abs" ]]; then
        LESSONS_RESULT="FAIL $where: $relpath does not exist"
        return
    fi
    # a playground scenario: lessons/scenarios/LANG/NN-name.txt, in the
    # lesson's language, that the playground's parser accepts
    if [[ "$relpath" == lessons/scenarios/* ]]; then
        lessons_check_scenario_link "$root" "$md" "$relpath" "$abs" "$where"
        [[ -n "$LESSONS_RESULT" ]] && return
    fi
    [[ -n "$frag" ]] || return 0
    if [[ "$abs" != *.md ]]; then
        [[ "$frag" =~ ^L[0-9]+(-L[0-9]+)?$ ]] && return 0
        LESSONS_RESULT="FAIL $where: anchor #$frag on a file that is not Markdown"
        return
    fi
    if ! lessons_has_anchor "$abs" "$frag"; then
        LESSONS_RESULT="FAIL $where: no heading with anchor #$frag in $relpath"
    fi
}

# LESSONS_SCENARIO[file] = "" when lessonlint accepts the scenario, else its
# first error; computed once per file.
declare -gA LESSONS_SCENARIO=()
lessons_check_scenario_link() {
    local root="$1" md="$2" relpath="$3" abs="$4" where="$5" mdrel lang
    if [[ ! "$relpath" =~ ^lessons/scenarios/([a-z]+)/[0-9][0-9]-[a-z0-9-]+\.txt$ ]]; then
        LESSONS_RESULT="FAIL $where: a scenario link names lessons/scenarios/LANG/NN-name.txt"
        return
    fi
    lang="${BASH_REMATCH[1]}"
    mdrel="${md#"$root"/}"
    if [[ "$mdrel" =~ ^lessons/([a-z]+)/ && "${BASH_REMATCH[1]}" != "$lang" ]]; then
        LESSONS_RESULT="FAIL $where: a lessons/${BASH_REMATCH[1]} chapter links a scenario in another language ($lang)"
        return
    fi
    if [[ -z "${LESSONS_SCENARIO[$abs]+set}" ]]; then
        LESSONS_SCENARIO[$abs]="$("$LESSONLINT" scenario "$abs" 2>&1 >/dev/null | head -n 1)"
    fi
    if [[ -n "${LESSONS_SCENARIO[$abs]}" ]]; then
        LESSONS_RESULT="FAIL $where: the scenario does not parse: ${LESSONS_SCENARIO[$abs]#"$root"/}"
    fi
}

# Playground scenarios (lessons/scenarios/en and zh): each parses, each
# exists in both languages with the same outline (actions, option counts,
# right answers, expectations). $1: the scenarios folder.
check_scenarios() {
    local dir="$1" failed=0 f base tmp
    tmp="$(mktemp -d "${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/scenarios.XXXXXX")"
    for f in "$dir"/en/*.txt "$dir"/zh/*.txt; do
        [[ -e "$f" ]] || continue
        if ! "$LESSONLINT" scenario "$f" >/dev/null 2>"$tmp/err"; then
            cat "$tmp/err"
            failed=1
        fi
    done
    for f in "$dir"/en/*.txt; do
        [[ -e "$f" ]] || continue
        base="$(basename "$f")"
        if [[ ! -e "$dir/zh/$base" ]]; then
            echo "$(lessons_rel "$f"): no Chinese version $(lessons_rel "$dir/zh/$base")"
            failed=1
            continue
        fi
        "$LESSONLINT" scenario "$f" >"$tmp/en" 2>/dev/null
        "$LESSONLINT" scenario "$dir/zh/$base" >"$tmp/zh" 2>/dev/null
        if ! cmp -s "$tmp/en" "$tmp/zh"; then
            echo "$(lessons_rel "$f") and $(lessons_rel "$dir/zh/$base") differ in structure:"
            diff -u "$tmp/en" "$tmp/zh" | tail -n +3 | sed 's/^/    /' | head -n 30
            failed=1
        fi
    done
    for f in "$dir"/zh/*.txt; do
        [[ -e "$f" ]] || continue
        base="$(basename "$f")"
        if [[ ! -e "$dir/en/$base" ]]; then
            echo "$(lessons_rel "$f"): no English version $(lessons_rel "$dir/en/$base")"
            failed=1
        fi
    done
    return "$failed"
}

# Check every relative link of the files given; $1 is the repository root.
# Prints FAIL and PENDING lines; returns 1 when there is a FAIL.
check_links() {
    local root md out kind line target failed=0
    lessons_normpath "$(cd "$1" && pwd)"
    root="$REPLY"
    shift
    lessons_load_manifest "$root"
    for md in "$@"; do
        [[ "$md" == /* ]] || md="$PWD/$md"
        lessons_normpath "$md"
        md="$REPLY"
        if ! out="$("$LESSONLINT" links "$md" 2>&1)"; then
            echo "FAIL $(lessons_rel "$md"): lessonlint cannot read it:"
            printf '%s\n' "$out" | sed 's/^/    /'
            failed=1
            continue
        fi
        while read -r kind line target; do
            [[ "$kind" == link ]] || continue
            lessons_check_target "$root" "$md" "$line" "$target"
            [[ -n "$LESSONS_RESULT" ]] || continue
            printf '%s\n' "$LESSONS_RESULT"
            [[ "$LESSONS_RESULT" == FAIL* ]] && failed=1
        done <<<"$out"
    done
    return "$failed"
}

# --------------------------------------------------------------- quizzes

check_quizzes() {
    local md out failed=0
    for md in "$@"; do
        if ! out="$("$LESSONLINT" quiz "$md" 2>&1)"; then
            printf '%s\n' "$out"
            failed=1
        fi
    done
    return "$failed"
}

# Each chapter has exactly one quiz block (FORMAT.md, "Check yourself").
check_one_quiz() {
    local md n failed=0
    for md in "$@"; do
        n="$("$LESSONLINT" quiz "$md" 2>/dev/null | grep -c '^quiz ')"
        if [[ "$n" != 1 ]]; then
            echo "$(lessons_rel "$md"): $n quiz blocks, FORMAT.md wants one under Check yourself"
            failed=1
        fi
    done
    return "$failed"
}

# --------------------------------------------------------------- coverage table

# The link targets "[text](target)" in a table cell, one per line.
lessons_cell_targets() {
    local cell="$1"
    while [[ "$cell" =~ \]\(([^\)]*)\) ]]; do
        printf '%s\n' "${BASH_REMATCH[1]}"
        cell="${cell#*"${BASH_REMATCH[0]}"}"
    done
}

# The coverage table of lessons/README.md: the table whose first header cell
# starts with "Syllabus section". Every row names its section and links at
# least one chapter; every chapter and lab linked must exist (labs not yet in
# labs/manifest are PENDING); the top-level sections 1 to 9 all have a row.
# Prints FAIL / PENDING lines; returns 1 when there is a FAIL.
check_coverage() {
    local root="$1" readme="$2" out rel failed=0
    lessons_normpath "$(cd "$root" && pwd)"
    root="$REPLY"
    [[ "$readme" == /* ]] || readme="$PWD/$readme"
    lessons_normpath "$readme"
    readme="$REPLY"
    rel="$(lessons_rel "$readme")"
    lessons_load_manifest "$root"
    if ! out="$("$LESSONLINT" tables "$readme" 2>&1)"; then
        echo "FAIL $rel: lessonlint cannot read it:"
        printf '%s\n' "$out" | sed 's/^/    /'
        return 1
    fi
    # keep the rows of the coverage table only
    local rows
    rows="$(awk -F'\t' '
        /^table / { intable = 0; next }
        /^head / { intable = ($2 ~ /^Syllabus section/); next }
        intable && /^row / { sub(/^row /, ""); print }' <<<"$out")"
    if [[ -z "$rows" ]]; then
        echo "FAIL $rel: no coverage table (a table whose first column is \"Syllabus section\")"
        return 1
    fi
    local line section chapters lab target n seen=" "
    while IFS=$'\t' read -r line section chapters lab _; do
        [[ "$section" =~ ^([1-9])\.\  ]] && seen+="${BASH_REMATCH[1]} "
        if [[ -z "$section" ]]; then
            echo "FAIL $rel:$line: coverage row without a syllabus section"
            failed=1
        fi
        n=0
        while read -r target; do
            [[ -n "$target" ]] || continue
            n=$((n + 1))
            if [[ ! "$target" =~ ^(en|zh)/[0-9][0-9]-[a-z0-9-]+\.md$ ]]; then
                echo "FAIL $rel:$line: \`$target\` in the chapters column is not a chapter (en/NN-slug.md or zh/NN-slug.md)"
                failed=1
                continue
            fi
            lessons_check_target "$root" "$readme" "$line" "$target"
            [[ -n "$LESSONS_RESULT" ]] && printf '%s\n' "$LESSONS_RESULT"
            [[ "$LESSONS_RESULT" == FAIL* ]] && failed=1
        done < <(lessons_cell_targets "$chapters")
        if ((n == 0)); then
            echo "FAIL $rel:$line: section \"$section\" lists no chapter"
            failed=1
        fi
        while read -r target; do
            [[ -n "$target" ]] || continue
            if [[ ! "$target" =~ ^\.\./labs/[0-9][0-9]-[a-z0-9-]+/ ]]; then
                echo "FAIL $rel:$line: \`$target\` in the lab column is not a lab (../labs/NN-slug/README.md)"
                failed=1
                continue
            fi
            lessons_check_target "$root" "$readme" "$line" "$target"
            [[ -n "$LESSONS_RESULT" ]] && printf '%s\n' "$LESSONS_RESULT"
            [[ "$LESSONS_RESULT" == FAIL* ]] && failed=1
        done < <(lessons_cell_targets "$lab")
    done <<<"$rows"
    local k
    for k in 1 2 3 4 5 6 7 8 9; do
        if [[ "$seen" != *" $k "* ]]; then
            echo "FAIL $rel: the coverage table has no row for syllabus section $k"
            failed=1
        fi
    done
    return "$failed"
}

# Run one of the check_* functions in a fresh bash, away from bats' DEBUG
# trap, which makes loops of builtins many times slower.
lessons_fresh() {
    BATS_TEST_DIRNAME="$LESSONS_ROOT/tests/lessons" \
        bash -c 'source "$1" && shift && "$@"' lessons_fresh "$LESSONS_ROOT/tests/lessons/lessons_lib.bash" "$@"
}
