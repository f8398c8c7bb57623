#!/usr/bin/env bats
# The interface's translations (po/zh.po).

load ../lib/batslibs
load_bats_libs bats-support bats-assert

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
}

@test "po/zh.po is a valid catalogue with matching printf formats (msgfmt -c)" {
    run msgfmt -c -o /dev/null "$ROOT/po/zh.po"
    assert_success
}

@test "every interface string passed to tr() has a Chinese translation" {
    local missing=() id
    while IFS= read -r id; do
        grep -qxF "msgid \"$id\"" "$ROOT/po/zh.po" || missing+=("$id")
    done < <(grep -ohE 'tr\(a->lang, "([^"\\]|\\.)*"' "$ROOT"/tui/*.c | sed -E 's/^tr\(a->lang, "//; s/"$//' | sort -u)
    # The action table's help texts are translated through tr() too.
    while IFS= read -r id; do
        grep -qxF "msgid \"$id\"" "$ROOT/po/zh.po" || missing+=("$id")
    done < <(grep -oE '"[^"]+"\)? *\\?$' "$ROOT/tui/actions.h" | grep -oE '"[^"]+"' | tr -d '"')
    ((${#missing[@]} == 0)) || fail "untranslated: $(printf '[%s] ' "${missing[@]}")"
}

@test "a translated status line really appears in Chinese" {
    BIN=${MMAPLAB_BIN:-$ROOT/build/mmaplab}
    [[ -x $BIN ]] || skip "build mmaplab first (make)"
    run env MMAPLAB_DATA="$ROOT" "$BIN" --lang zh --keys "z" --size 80x24
    assert_success
    assert_output --partial "按键 z 没有对应操作"
}
