# shellcheck shell=bash
# load_bats_libs NAME...: load bats-support, bats-assert, bats-file.
#
# Same result as bats_load_library, much cheaper. Each library's load.bash
# sources its parts through "$(dirname "${BASH_SOURCE[0]}")", a subshell and
# a dirname process per part: some 30 forks, and bats re-reads a test file
# for every test. On a virtual machine where a fork costs milliseconds that
# was about 0.2 s per test, 10 to 25 % of a lab check's time. The parts hold only
# function definitions, so sourcing them straight from src/ is equivalent.
# A library laid out differently is left to bats_load_library.
load_bats_libs() {
    local name dir part found dirs
    for name in "$@"; do
        found=""
        IFS=: read -ra dirs <<<"${BATS_LIB_PATH:-/usr/lib/bats}"
        for dir in "${dirs[@]}"; do
            if [[ -f $dir/$name/load.bash && -d $dir/$name/src ]]; then
                found=$dir/$name
                break
            fi
        done
        if [[ -z $found ]]; then
            bats_load_library "$name" || return
            continue
        fi
        for part in "$found"/src/*.bash; do
            # shellcheck source=/dev/null
            source "$part" || return
        done
    done
}
