#!/bin/sh
# Make sure the tools Keel's build and tests need are installed; install the missing
# Debian packages (as root, or with sudo), or say what is missing and fail.
# Fast when everything is there: it only looks the commands up.
set -eu

CROSS=${CROSS:-aarch64-linux-gnu-}
QEMU=${QEMU:-qemu-system-aarch64}
missing=

need_cmd() {    # need_cmd COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_file() {   # need_file PATH PACKAGE
    [ -e "$1" ] || missing="$missing $2"
}

need_cmd make make
need_cmd gcc gcc
need_cmd "${CROSS}gcc" gcc-aarch64-linux-gnu
need_cmd "$QEMU" qemu-system-arm
need_cmd python3 python3
need_cmd gnuplot gnuplot-nox
need_cmd cpio cpio
need_file /usr/include/cmocka.h libcmocka-dev
need_cmd clang clang            # the host fuzzer's libFuzzer build (tests/fuzz)

[ -z "$missing" ] && exit 0

echo "setup: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" = 0 ]; then
    apt-get update -q && apt-get install -y -q --no-install-recommends $missing
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -E apt-get update -q && sudo -E apt-get install -y -q --no-install-recommends $missing
else
    echo "setup: missing packages:$missing" >&2
    echo "setup: install them (apt-get install$missing) and run make again" >&2
    exit 1
fi
