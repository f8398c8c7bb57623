#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's
# image (autograder.zip is unpacked into /autograder/source/): install the
# Debian packages mmaplab needs to build and to run lab tests, then build
# and install mmaplab from the bundled course (mmaplab/, made by
# `make gradescope`; it holds no solutions).
set -euo pipefail
SRC=$(cd "$(dirname "$0")" && pwd)/mmaplab
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
# scripts/deps holds the one list of packages; as root it installs them.
"$SRC/scripts/deps" test
make -C "$SRC" install PREFIX=/usr/local
mmaplab --version
