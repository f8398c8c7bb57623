#!/usr/bin/env bats
# Tests of the lesson checker itself: lessonlint and the checks in
# lessons_lib.bash, run on the fixtures in tests/lessons/fixtures/. Each check
# of lessons.bats is shown to reject a bad lesson with a message that names
# the file, the line and the problem.

load ../lib/batslibs
load_bats_libs bats-support bats-assert
load lessons_lib

setup_file() {
    lessonlint_find_or_build "$BATS_FILE_TMPDIR"
}

setup() {
    cd "$LESSONS_ROOT" || return 1
    F=tests/lessons/fixtures
    T="$F/tree"
}

# ------------------------------------------------------------ command line

@test "lessonlint: usage errors exit 2 with the usage" {
    run "$LESSONLINT"
    assert_failure 2
    assert_output --partial "usage: lessonlint snippets FILE.md OUTDIR"
    run "$LESSONLINT" frobnicate "$F/anchors.md"
    assert_failure 2
    assert_output --partial "usage:"
    run "$LESSONLINT" snippets "$F/anchors.md"
    assert_failure 2
    run "$LESSONLINT" --help
    assert_success
    assert_output --partial "lessonlint outline [--code] FILE.md"
}

@test "lessonlint: a missing file exits 2 and names it" {
    run "$LESSONLINT" outline "$F/no-such-file.md"
    assert_failure 2
    assert_output "lessonlint: $F/no-such-file.md: No such file or directory"
}

# ------------------------------------------------------------ malformed input

@test "lessonlint: an unterminated fence is an error in every subcommand" {
    local cmd
    for cmd in outline links quiz tables; do
        run "$LESSONLINT" "$cmd" "$F/malformed/unterminated.md"
        assert_failure 1
        assert_output "$F/malformed/unterminated.md:3: the code block opened here (\`\`\`c) is never closed: no closing fence of 3 or more \`\`\`"
    done
    run "$LESSONLINT" snippets "$F/malformed/unterminated.md" "$BATS_TEST_TMPDIR/out"
    assert_failure 1
    assert_output --partial "unterminated.md:3: the code block opened here"
}

@test "lessonlint: a block that swallowed the next opening fence is an error" {
    run "$LESSONLINT" outline "$F/malformed/swallowed.md"
    assert_failure 1
    assert_output "$F/malformed/swallowed.md:8: a fence (\`\`\`sh) inside the code block opened at line 3: is the closing fence of that block missing?"
}

@test "lessonlint: unknown attributes in a c run info string are an error" {
    run "$LESSONLINT" snippets "$F/malformed/bad-attr.md" "$BATS_TEST_TMPDIR/out"
    assert_failure 1
    assert_output --partial "$F/malformed/bad-attr.md:3: \`fast\` is an unknown attribute in info string \`c run fast\`"
}

@test "lessonlint: bad expectations are errors (signal name, exit status, expect without run)" {
    run "$LESSONLINT" snippets "$F/malformed/bad-expect.md" "$BATS_TEST_TMPDIR/out"
    assert_failure 1
    assert_line --index 0 --partial "bad-expect.md:3: unknown expectation \`expect=BUS\` (write expect=exit:N or a signal name from signal.h such as expect=SIGBUS)"
    assert_line --index 1 --partial "bad-expect.md:7: bad exit status in \`expect=exit:300\`"
    assert_line --index 2 --partial "bad-expect.md:11: \`expect=SIGBUS\` needs \`run\` before it"
    # nothing was written
    [[ ! -e "$BATS_TEST_TMPDIR/out/01.c" ]]
}

@test "lessonlint: code blocks without an info string, with an unknown one, or indented are errors" {
    run "$LESSONLINT" outline "$F/malformed/no-info.md"
    assert_failure 1
    assert_output --partial "no-info.md:3: code block without an info string (FORMAT.md allows c, c run"
    run "$LESSONLINT" outline "$F/malformed/unknown-lang.md"
    assert_failure 1
    assert_output --partial "unknown-lang.md:3: unknown info string \`python\`"
    run "$LESSONLINT" outline "$F/malformed/indented.md"
    assert_failure 1
    assert_output --partial "indented.md:5: indented code block"
}

@test "lessonlint: invalid UTF-8 is an error with its line" {
    printf '# Title\n\nline two\n\xff\xfe bad\n' >"$BATS_TEST_TMPDIR/bad.md"
    run "$LESSONLINT" outline "$BATS_TEST_TMPDIR/bad.md"
    assert_failure 1
    assert_output "$BATS_TEST_TMPDIR/bad.md:4: invalid UTF-8 (byte 0xFF); save the file as UTF-8"
}

# ------------------------------------------------------------ quizzes

@test "lessonlint quiz: a summary line per quiz block" {
    run "$LESSONLINT" quiz "$T/lessons/en/02-two.md"
    assert_success
    assert_output "quiz 25 Q=2 options=2,3 right=1,2"
    run "$LESSONLINT" quiz "$F/anchors.md"
    assert_success
    assert_output ""
}

@test "lessonlint quiz: two right answers are rejected with the question's line" {
    run "$LESSONLINT" quiz "$F/malformed/quiz-two-right.md"
    assert_failure 1
    assert_output "$F/malformed/quiz-two-right.md:12: quiz: a question needs exactly one [x] option, found 2"
    run lessons_fresh check_quizzes "$T/lessons/en/02-two.md" "$F/malformed/quiz-two-right.md"
    assert_failure
    assert_output "$F/malformed/quiz-two-right.md:12: quiz: a question needs exactly one [x] option, found 2"
}

@test "lessonlint quiz: a full-width colon in Q: is rejected" {
    run "$LESSONLINT" quiz "$F/malformed/quiz-fullwidth.md"
    assert_failure 1
    assert_output "$F/malformed/quiz-fullwidth.md:6: quiz: write \`Q:\` with an ASCII colon, found a full-width \`：\`"
}

@test "check_one_quiz: a chapter without a quiz is reported" {
    run lessons_fresh check_one_quiz "$T/lessons/en/01-one.md" "$T/lessons/en/03-only-en.md"
    assert_failure
    assert_output "$T/lessons/en/03-only-en.md: 0 quiz blocks, FORMAT.md wants one under Check yourself"
}

# ------------------------------------------------------------ snippets

@test "lessonlint snippets: one line per c run block, files start with #line" {
    run "$LESSONLINT" snippets "$F/snippets/good.md" "$BATS_TEST_TMPDIR/src/deep"
    assert_success
    assert_output "01.c 15 exit:0
02.c 27 exit:3
03.c 36 SIGBUS
04.c 58 SIGSEGV"
    run head -n 2 "$BATS_TEST_TMPDIR/src/deep/03.c"
    assert_output "#line 37 \"$F/snippets/good.md\"
#define _DEFAULT_SOURCE"
    # the fragments (c, sh) are not written
    run ls "$BATS_TEST_TMPDIR/src/deep"
    assert_output "01.c
02.c
03.c
04.c"
}

@test "check_snippets: exit statuses and signals as declared pass" {
    run lessons_fresh check_snippets "$F/snippets/good.md"
    assert_success
    assert_output ""
}

@test "check_snippets: snippets run in an empty fresh directory, without fd 3 or input" {
    run lessons_fresh check_snippets "$F/snippets/sandbox.md"
    assert_success
    assert_output ""
}

@test "check_snippets: a snippet that does not compile is reported with the compiler error" {
    run lessons_fresh check_snippets "$F/snippets/nocompile.md"
    assert_failure
    assert_line --index 0 "$F/snippets/nocompile.md:5: c run snippet does not compile (cc -std=c11 -Wall -Wextra -Werror -O1):"
    # the compiler's message points into the lesson, thanks to #line
    assert_output --partial "$F/snippets/nocompile.md:10:9: error: unused variable"
}

@test "check_snippets: a snippet that exits 1 is reported with its output" {
    run lessons_fresh check_snippets "$F/snippets/exit1.md"
    assert_failure
    assert_line --index 0 --regexp "^$F/snippets/exit1.md:3: c run snippet should exit with status 0, but it exited with status 1 \(after [0-9]+ ms\)$"
    assert_line --index 1 "  stderr:"
    assert_line --index 2 "    open: No such file or directory"
}

@test "check_snippets: a snippet declared SIGBUS that exits 0 is reported" {
    run lessons_fresh check_snippets "$F/snippets/sigbus-exit0.md"
    assert_failure
    assert_line --index 0 --regexp "^$F/snippets/sigbus-exit0.md:5: c run snippet should die by SIGBUS, but it exited with status 0 "
    assert_output --partial "stored one byte"
}

@test "check_snippets: a snippet that hangs is killed after the timeout" {
    MMAPLAB_SNIPPET_TIMEOUT=1 run lessons_fresh check_snippets "$F/snippets/hang.md"
    assert_failure
    assert_output --regexp "^$F/snippets/hang.md:3: c run snippet should exit with status 0, but it did not finish within 1 s and was killed"
}

@test "check_snippets: several lessons at once report every failure" {
    run lessons_fresh check_snippets "$F/snippets/exit1.md" "$F/snippets/nocompile.md" \
        "$F/snippets/sigbus-exit0.md"
    assert_failure
    assert_output --partial "exit1.md:3: c run snippet should exit with status 0"
    assert_output --partial "nocompile.md:5: c run snippet does not compile"
    assert_output --partial "sigbus-exit0.md:5: c run snippet should die by SIGBUS"
}

@test "check_snippets: a lesson lessonlint rejects is reported" {
    run lessons_fresh check_snippets "$F/malformed/bad-attr.md"
    assert_failure
    assert_line --index 0 "$F/malformed/bad-attr.md: lessonlint cannot read the lesson:"
}

# ------------------------------------------------------------ en/zh parity

@test "lessonlint outline: headings, code hashes and quiz shapes" {
    run "$LESSONLINT" outline "$T/lessons/en/02-two.md"
    assert_success
    assert_output "H1
H2
H2
code c run exit:0 7e15c45be835468f
code text
H2
quiz Q=2 options=2,3 right=1,2"
}

@test "lessonlint outline: comments do not count, code and strings do" {
    local d="$BATS_TEST_TMPDIR"
    # shellcheck disable=SC2016 # the backquotes are Markdown fences
    {
        printf '# T\n\n```c\nputs("http://x // y"); // say it\n/* a\n   block */ int a = 1; /* z */\n```\n\n```sh\necho "#not a comment" # run it\n```\n' >"$d/en.md"
        printf '# 标题\n\n```c\nputs("http://x // y");   // 说出来\n/* 一个\n   注释块 */ int a = 1;\n```\n\n```sh\necho "#not a comment"   # 运行\n```\n' >"$d/zh.md"
        printf '# T\n\n```c\nputs("http://x");\nint a = 1;\n```\n\n```sh\necho "#not a comment"\n```\n' >"$d/other.md"
    }
    run "$LESSONLINT" outline --code "$d/en.md"
    assert_success
    assert_output --partial '    | puts("http://x // y");'
    assert_output --partial '    | echo "#not a comment"'
    local en zh other
    en="$("$LESSONLINT" outline "$d/en.md")"
    zh="$("$LESSONLINT" outline "$d/zh.md")"
    other="$("$LESSONLINT" outline "$d/other.md")"
    [[ "$en" == "$zh" ]]
    [[ "$en" != "$other" ]]
}

@test "check_parity: missing translations and differing code and quizzes are shown as a diff" {
    run lessons_fresh check_parity "$T/lessons/en" "$T/lessons/zh"
    assert_failure
    assert_line "$T/lessons/en/03-only-en.md: no Chinese version $T/lessons/zh/03-only-en.md"
    assert_line "$T/lessons/en/02-two.md and $T/lessons/zh/02-two.md differ in structure (headings, code without comments, quiz shape):"
    assert_line '    -    |     puts("hello");'
    assert_line '    +    |     puts("你好");'
    assert_line '    -quiz Q=2 options=2,3 right=1,2'
    assert_line '    +quiz Q=2 options=2,3 right=1,3'
    # 01-one.md differs only in comments and prose
    refute_output --partial "01-one.md"
}

# ------------------------------------------------------------ links

@test "lessonlint links: GitHub anchors (case, punctuation, CJK, duplicates)" {
    run "$LESSONLINT" links "$F/anchors.md"
    assert_success
    assert_output "anchor why-map-a-file
anchor goals
anchor goals-1
anchor goals-2
anchor map_shared-versus-map_private
anchor msync-munmap-and-close-who-does-what
anchor page-size-4-kib--or-not
anchor 学习目标
anchor 31-mmap函数签名与参数
anchor 误区ms_async-会启动写回
anchor snake_case-and--two--spaces
anchor goals-1-1
anchor goals-3"
}

@test "lessonlint links: relative links with their lines, percent-decoded; absolute ones left out" {
    run "$LESSONLINT" links "$T/lessons/en/01-one.md"
    assert_success
    assert_line "link 9 02-two.md#the-model"
    assert_line "link 10 #goals"
    assert_line "link 11 ../zh/02-two.md#学习目标"
    assert_line "link 29 ../../labs/04-later/README.md"
    refute_output --partial "https:"
    refute_output --partial "mailto:"
}

@test "check_links: broken files, missing anchors, outside links and misnamed labs fail" {
    run lessons_fresh check_links "$T" "$T/lessons/en/01-one.md" "$T/lessons/zh/01-one.md"
    assert_failure
    local w="$T/lessons/en/01-one.md"
    assert_line "FAIL $w:17: link \`05-missing.md\`: lessons/en/05-missing.md does not exist"
    assert_line "FAIL $w:17: link \`02-two.md#no-such-section\`: no heading with anchor #no-such-section in lessons/en/02-two.md"
    assert_line "FAIL $w:18: link \`#nowhere\`: no heading with anchor #nowhere in lessons/en/01-one.md"
    assert_line "FAIL $w:18: link \`../../../../../etc/passwd\`: points outside the repository"
    assert_line "FAIL $w:28: link \`../../labs/02-second/README.md\`: labs/02-second/README.md does not exist"
    assert_line "FAIL $w:30: link \`../../labs/01-wrong/README.md\`: labs/manifest calls lab 01 \`first\`, not \`wrong\`"
    assert_line "PENDING $w:29: link \`../../labs/04-later/README.md\`: lab 04 (04-later) is not in labs/manifest yet"
    # exactly those: the good links (anchors in en and zh, percent-encoded,
    # lab 01 and its #task, ../README.md) pass
    assert_equal "$(grep -c . <<<"$output")" 7
}

@test "check_links: a lab not in labs/manifest alone is pending, not failed" {
    mkdir -p "$BATS_TEST_TMPDIR/repo/lessons/en" "$BATS_TEST_TMPDIR/repo/labs"
    cp "$T/labs/manifest" "$BATS_TEST_TMPDIR/repo/labs/"
    printf '# X\n\n[later](../../labs/04-later/README.md)\n' >"$BATS_TEST_TMPDIR/repo/lessons/en/99-tmp.md"
    run lessons_fresh check_links "$BATS_TEST_TMPDIR/repo" "$BATS_TEST_TMPDIR/repo/lessons/en/99-tmp.md"
    assert_success
    assert_output --regexp "^PENDING .*99-tmp.md:3: link \`../../labs/04-later/README.md\`: lab 04 \(04-later\) is not in labs/manifest yet$"
}

# ------------------------------------------------------------ coverage table

@test "lessonlint tables: rows with their lines, links kept as [text](target)" {
    run "$LESSONLINT" tables "$T/lessons/README.md"
    assert_success
    assert_line --index 0 "table 5"
    assert_line --index 1 "head 5"$'\t'"Syllabus section"$'\t'"Chapters"$'\t'"Lab"
    assert_line --index 2 "row 7"$'\t'"1. The problem (1. 问题)"$'\t'"[01](en/01-one.md) · [01](zh/01-one.md)"$'\t'"-"
}

@test "check_coverage: missing chapters and labs, empty rows and missing sections fail" {
    run lessons_fresh check_coverage "$T" "$T/lessons/README.md"
    assert_failure
    local r="$T/lessons/README.md"
    assert_output "FAIL $r:9: link \`en/09-missing.md\`: lessons/en/09-missing.md does not exist
PENDING $r:9: link \`../labs/04-later/README.md\`: lab 04 (04-later) is not in labs/manifest yet
FAIL $r:10: section \"3. Nothing (3. 无)\" lists no chapter
FAIL $r:11: \`README.md\` in the chapters column is not a chapter (en/NN-slug.md or zh/NN-slug.md)
FAIL $r:11: link \`../labs/02-second/README.md\`: labs/02-second/README.md does not exist
FAIL $r: the coverage table has no row for syllabus section 9"
}

@test "check_coverage: a README without a coverage table fails" {
    run lessons_fresh check_coverage "$T" "$T/lessons/en/01-one.md"
    assert_failure
    assert_output "FAIL $T/lessons/en/01-one.md: no coverage table (a table whose first column is \"Syllabus section\")"
}

# ------------------------------------------------------------ sanitizers

# One run of the sanitizer build; prints a report line when it finds something.
asan_run() {
    local bin="$1" out="$2" rc=0
    shift 2
    ASAN_OPTIONS=exitcode=99 UBSAN_OPTIONS=exitcode=99 \
        "$bin" "$@" >/dev/null 2>"$out.err" || rc=$?
    if ((rc > 2)); then
        { echo "lessonlint $*: exit $rc"; head -n 8 "$out.err"; } >"$out.report"
    fi
}

@test "lessonlint and the quiz parser are clean under ASan and UBSan (fixtures)" {
    local bin="$BATS_TEST_TMPDIR/lessonlint-asan"
    # shellcheck disable=SC2046 # pkg-config prints several words on purpose
    if ! cc -std=c11 -Wall -Wextra -Werror -O1 -g -fsanitize=address,undefined \
        -fno-sanitize-recover=all -Itui tests/lessons/lessonlint.c tui/quiz.c tui/scenario.c \
        $(pkg-config --cflags --libs md4c) -o "$bin" 2>"$BATS_TEST_TMPDIR/cc.err"; then
        skip "cannot build with -fsanitize=address,undefined: $(head -n 1 "$BATS_TEST_TMPDIR/cc.err")"
    fi
    # outline --code on every fixture goes through the whole parse (fences,
    # info strings, quizzes, slugs, comment stripping); the other subcommands
    # only print what the parse built, so a few files are enough for them.
    # As many runs at a time as there are processors.
    local md k=0 n
    local -a runs=()
    n="$(nproc 2>/dev/null || echo 2)"
    shopt -s globstar nullglob
    for md in "$F"/**/*.md; do
        runs+=("outline --code $md")
    done
    runs+=("links $T/lessons/en/01-one.md" "quiz $T/lessons/en/02-two.md"
        "tables $T/lessons/README.md" "snippets $F/snippets/good.md $BATS_TEST_TMPDIR/snip")
    mkdir -p "$BATS_TEST_TMPDIR/asan"
    local r
    for r in "${runs[@]}"; do
        k=$((k + 1))
        # shellcheck disable=SC2086 # the fixture paths have no blanks
        asan_run "$bin" "$BATS_TEST_TMPDIR/asan/$k" $r &
        while (($(jobs -rp | wc -l) >= n)); do wait -n; done
    done
    wait
    local reports
    reports="$(cat "$BATS_TEST_TMPDIR"/asan/*.report 2>/dev/null || true)"
    [[ -z "$reports" ]] || fail "sanitizer reports:"$'\n'"$reports"
}

# ------------------------------------------------------------ playground scenarios

@test "lessonlint scenario: the outline of a scenario; a broken one is an error with its line" {
    run "$LESSONLINT" scenario lessons/scenarios/en/03-truncate-sigbus.txt
    assert_success
    assert_line --index 0 "map shared"
    assert_line --index 1 "setup touch 0 64"
    assert_line --index 2 "step truncate 32 options=3 right=2 expect=uncached 32 32;unmapped 32 32"
    run "$LESSONLINT" scenario "$F/scenarios/two-right.txt"
    assert_failure 1
    assert_output "$F/scenarios/two-right.txt:5: the step's question needs exactly one [x] option, found 2"
}

@test "check_links: scenario links must exist, parse and be in the lesson's language" {
    local r=$BATS_TEST_TMPDIR/repo
    mkdir -p "$r/lessons/en" "$r/lessons/scenarios/en" "$r/lessons/scenarios/zh" "$r/labs"
    cp "$T/labs/manifest" "$r/labs/"
    cp lessons/scenarios/en/03-truncate-sigbus.txt "$r/lessons/scenarios/en/"
    cp lessons/scenarios/zh/03-truncate-sigbus.txt "$r/lessons/scenarios/zh/"
    cp "$F/scenarios/two-right.txt" "$r/lessons/scenarios/en/05-broken.txt"
    printf '# X\n\n[good](../scenarios/en/03-truncate-sigbus.txt)\n[zh](../scenarios/zh/03-truncate-sigbus.txt)\n[broken](../scenarios/en/05-broken.txt)\n[missing](../scenarios/en/09-none.txt)\n' \
        >"$r/lessons/en/99-tmp.md"
    run lessons_fresh check_links "$r" "$r/lessons/en/99-tmp.md"
    assert_failure
    assert_line --regexp "^FAIL .*99-tmp.md:4: link \`../scenarios/zh/03-truncate-sigbus.txt\`: a lessons/en chapter links a scenario in another language \(zh\)$"
    assert_line --regexp "^FAIL .*99-tmp.md:5: link \`../scenarios/en/05-broken.txt\`: the scenario does not parse: .*05-broken.txt:5: the step's question needs exactly one \[x\] option, found 2$"
    assert_line --regexp "^FAIL .*99-tmp.md:6: link \`../scenarios/en/09-none.txt\`: lessons/scenarios/en/09-none.txt does not exist$"
    assert_equal "$(grep -c . <<<"$output")" 3
}

@test "check_scenarios: a missing translation and a different answer are reported" {
    local d=$BATS_TEST_TMPDIR/scn
    mkdir -p "$d/en" "$d/zh"
    cp lessons/scenarios/en/03-truncate-sigbus.txt lessons/scenarios/en/04-private-cow.txt "$d/en/"
    sed 's/^- \[x\] 它们离开/- [ ] 它们离开/; s/^- \[ \] 在重新映射/- [x] 在重新映射/' lessons/scenarios/zh/03-truncate-sigbus.txt >"$d/zh/03-truncate-sigbus.txt"
    run lessons_fresh check_scenarios "$d"
    assert_failure
    assert_output --partial "04-private-cow.txt: no Chinese version"
    assert_output --partial "03-truncate-sigbus.txt differ in structure:"
    assert_output --partial "-step truncate 32 options=3 right=2"
    assert_output --partial "+step truncate 32 options=3 right=1"
}
