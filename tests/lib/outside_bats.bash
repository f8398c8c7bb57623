# shellcheck shell=bash
# outside_bats [VAR=VALUE...] COMMAND [ARG...]: run a command the way a user
# runs it, outside bats, for tests of programs that run bats themselves
# (mmaplab grade-all, make test in a handout). bats puts its libexec folder
# first in PATH (its bats there is not the command) and exports variables
# and functions (BATS_*, BASH_FUNC_*) that would give the inner bats a
# half-set-up run; the command gets an empty environment instead, with
# PATH minus that folder, HOME, and the VAR=VALUE pairs given.
outside_bats() {
    local dir path=""
    local -a dirs
    IFS=: read -ra dirs <<<"$PATH"
    for dir in "${dirs[@]}"; do [[ $dir == *bats-core* ]] || path+="${path:+:}$dir"; done
    /usr/bin/env -i PATH="$path" HOME="$HOME" "$@"
}
