#!/bin/sh
# Boot a Keel image in QEMU (virt, Cortex-A53, GICv2) with the serial port on this
# terminal. Ctrl-A x quits. The kernel's halt uses semihosting, so QEMU's exit status
# says whether the system stopped cleanly (0) or panicked (non-zero).
#
#   tools/qemu/run.sh IMAGE [MEM] [extra QEMU options...]
#
# ICOUNT=1 (or BENCH=1) adds -icount shift=0: deterministic instruction counting.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 IMAGE [MEM] [QEMU options...]" >&2
    exit 2
fi
image=$1
mem=${2:-1G}
shift
[ $# -gt 0 ] && shift

icount=
if [ "${ICOUNT:-0}" = 1 ] || [ "${BENCH:-0}" = 1 ]; then
    icount="-icount shift=0"
fi

# shellcheck disable=SC2086  # $icount is deliberately split
exec "${QEMU:-qemu-system-aarch64}" -M virt -cpu cortex-a53 -m "$mem" -nographic \
    -semihosting-config enable=on,target=native $icount -kernel "$image" "$@"
