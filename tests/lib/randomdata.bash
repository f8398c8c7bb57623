# shellcheck shell=bash
# Random inputs for lab tests, reproducible from MMAPLAB_SEED.
#
# bash reseeds $RANDOM in every subshell, so `n=$(rand_between 1 9)` would
# not repeat from a seed. Instead each draw hashes (seed, test number, draw
# count), and the draw count lives in a file so subshells advance it too.

# rand_draw: set RAND_DRAW to the next 31-bit random number of this test,
# without a subshell (on a virtual machine a fork costs milliseconds, and the
# lab tests draw hundreds of numbers).
rand_draw() {
    local f=${BATS_TEST_TMPDIR:-${TMPDIR:-/tmp}}/.mmaplab-rng c=0
    [[ -f $f ]] && read -r c <"$f"
    echo $((c + 1)) >"$f"
    # splitmix64 finaliser over the three inputs (bash wraps at 64 bits).
    local x=$(( ${MMAPLAB_SEED:-1} * 0x9E3779B97F4A7C15 + ${BATS_TEST_NUMBER:-0} * 0xBF58476D1CE4E5B9 + c * 0x94D049BB133111EB ))
    x=$(( (x ^ ((x >> 30) & 0x3FFFFFFFF)) * 0xBF58476D1CE4E5B9 ))
    x=$(( (x ^ ((x >> 27) & 0x1FFFFFFFFF)) * 0x94D049BB133111EB ))
    x=$(( x ^ ((x >> 31) & 0x1FFFFFFFF) ))
    RAND_DRAW=$(( x & 0x7FFFFFFF ))
}

# rand_next: print the next 31-bit random number of this test.
rand_next() {
    rand_draw
    echo "$RAND_DRAW"
}

# rand_set NAME LO HI: set NAME to a random integer in [LO, HI] (arithmetic
# allowed), without a subshell.
rand_set() {
    # Locals with names no caller uses: printf -v sees them before the
    # caller's variable of the same name.
    local _rs_lo=$(($2)) _rs_hi=$(($3))
    rand_draw
    printf -v "$1" '%d' $((_rs_lo + RAND_DRAW % (_rs_hi - _rs_lo + 1)))
}

# rand_between LO HI: print a random integer in [LO, HI].
rand_between() {
    local r
    rand_set r "$1" "$2"
    echo "$r"
}

# rand_bytes N FILE: N random bytes (all 256 values).
rand_bytes() {
    local n=$1 out=$2 seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v n="$n" -v seed="$seed" 'BEGIN {
        srand(seed)
        for (i = 0; i < 256; i++) ch[i] = sprintf("%c", i)
        for (i = 0; i < n; i++) printf "%s", ch[int(rand() * 256)]
    }' >"$out"
}

# rand_text N FILE: N bytes of ASCII text made of words, blanks, tabs and
# newlines, with runs of whitespace and long and short lines.
rand_text() {
    local n=$1 out=$2 seed
    rand_draw
    seed=$RAND_DRAW
    LC_ALL=C awk -v n="$n" -v seed="$seed" 'BEGIN {
        srand(seed)
        letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?-_()"
        ws[1] = " "; ws[2] = "\t"; ws[3] = "\n"; ws[4] = "\n"; ws[5] = " "; ws[6] = "\v"; ws[7] = "\f"; ws[8] = "\r"
        out = 0
        while (out < n) {
            if (rand() < 0.7) {
                w = int(rand() * 12) + 1
                for (i = 0; i < w && out < n; i++) { printf "%s", substr(letters, int(rand() * length(letters)) + 1, 1); out++ }
            } else {
                w = int(rand() * 3) + 1
                for (i = 0; i < w && out < n; i++) { printf "%s", ws[int(rand() * 8) + 1]; out++ }
            }
        }
    }' >"$out"
}
