#!/usr/bin/env bats
# The GitHub Classroom workflow (grading/github-classroom/): made from
# labs/manifest by scripts/classroom-workflow, read back as YAML.

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    YML=$ROOT/grading/github-classroom/.github/workflows/classroom.yml
    export MMAPLAB_ROOT=$ROOT
}

# check_workflow FILE MANIFEST: every lab of MANIFEST is one command-grader
# step worth its points, running its check; the reporter gets them all.
check_workflow() {
    python3 - "$1" "$2" <<'PY'
import sys, yaml
wf = yaml.safe_load(open(sys.argv[1]))
labs = []
for line in open(sys.argv[2]):
    f = line.split()
    if f and not f[0].startswith("#"):
        labs.append((f[0], f[1], int(f[3])))
steps = wf["jobs"]["run-autograding-tests"]["steps"]
graders = [s for s in steps if s.get("uses", "").startswith("classroom-resources/autograding-command-grader@")]
assert [g["id"] for g in graders] == ["lab-" + i for i, _, _ in labs], [g["id"] for g in graders]
for g, (i, slug, points) in zip(graders, labs):
    w = g["with"]
    assert w["max-score"] == points, (i, w["max-score"], points)
    assert w["command"] in ("make check LAB=" + i, "mmaplab check " + i), w["command"]
    assert 0 < w["timeout"] <= 60 and slug in w["test-name"], w
reporter = steps[-1]
assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@"), reporter
assert reporter["with"]["runners"].split(",") == [g["id"] for g in graders]
for g in graders:
    assert reporter["env"][g["id"].upper() + "_RESULTS"] == "${{steps.%s.outputs.result}}" % g["id"]
print("ok", len(graders))
PY
}

@test "the committed workflow is scripts/classroom-workflow's output for labs/manifest" {
    run diff <("$ROOT/scripts/classroom-workflow") "$YML"
    assert_success
}

@test "every lab in labs/manifest is a step worth its points, and the reporter gets every result" {
    python3 -c 'import yaml' 2>/dev/null || skip "python3 with yaml (python3-yaml) is not installed"
    run check_workflow "$YML" "$ROOT/labs/manifest"
    assert_success
    assert_output "ok $(grep -cE '^[0-9]' "$ROOT/labs/manifest")"
}

@test "the workflow follows the manifest: changed points and a removed lab show" {
    python3 -c 'import yaml' 2>/dev/null || skip "python3 with yaml (python3-yaml) is not installed"
    local m=$BATS_TEST_TMPDIR/manifest
    # Lab 02 worth 35, lab 03 gone.
    awk '$1 == "02" { $4 = 35 } $1 != "03"' "$ROOT/labs/manifest" >"$m"
    "$ROOT/scripts/classroom-workflow" "$m" >"$BATS_TEST_TMPDIR/wf.yml"
    run check_workflow "$BATS_TEST_TMPDIR/wf.yml" "$m"
    assert_success
    # The committed workflow does not fit that manifest.
    run check_workflow "$YML" "$m"
    assert_failure
}

@test "a manifest that cannot be read is refused" {
    run "$ROOT/scripts/classroom-workflow" "$BATS_TEST_TMPDIR/none"
    assert_failure
    assert_output --partial "cannot read"
}
