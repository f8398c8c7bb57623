# shellcheck shell=bash
# Random inputs for lab tests. Every generator draws from bash's $RANDOM,
# which lab_setup seeds from MMAPLAB_SEED and the test number, so a failure
# can be reproduced exactly by setting MMAPLAB_SEED.

# rand_between LO HI: a random integer in [LO, HI].
rand_between() {
    local lo=$1 hi=$2
    echo $((lo + ((RANDOM << 15 | RANDOM) % (hi - lo + 1))))
}

# rand_bytes N FILE: N random bytes (all 256 values).
rand_bytes() {
    local n=$1 out=$2
    # openssl is not guaranteed; stretch a seeded awk stream instead.
    LC_ALL=C awk -v n="$n" -v seed="$RANDOM$RANDOM" 'BEGIN {
        srand(seed)
        for (i = 0; i < 256; i++) ch[i] = sprintf("%c", i)
        for (i = 0; i < n; i++) printf "%s", ch[int(rand() * 256)]
    }' >"$out"
}

# rand_text N FILE: N bytes of ASCII text made of words, blanks, tabs and
# newlines, with runs of whitespace and long and short lines.
rand_text() {
    local n=$1 out=$2
    LC_ALL=C awk -v n="$n" -v seed="$RANDOM$RANDOM" 'BEGIN {
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
