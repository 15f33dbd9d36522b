#!/bin/sh
# Boot a Keel image stopped at the first instruction, with QEMU's gdb stub listening,
# and attach gdb-multiarch with the kernel's and the loader's symbols.
#
#   tools/qemu/debug.sh [--server-only] IMAGE MEM KERNEL_ELF [PORT]
#
# --server-only starts QEMU in the foreground and prints the gdb command to use from
# another terminal. Otherwise QEMU runs in the background (serial output on this
# terminal) until gdb exits.
set -eu

server_only=0
if [ "${1:-}" = --server-only ]; then
    server_only=1
    shift
fi
if [ $# -lt 3 ]; then
    echo "usage: $0 [--server-only] IMAGE MEM KERNEL_ELF [PORT]" >&2
    exit 2
fi
image=$1 mem=$2 kernel=$3 port=${4:-1234}
here=$(dirname "$0")
gdb=${GDB:-gdb-multiarch}

# The loader is the image itself (its symbols are at their physical addresses); the
# kernel's symbols are virtual addresses, valid once the loader has enabled the MMU.
gdb_args="-q -ex 'set architecture aarch64' -ex 'file $kernel' \
-ex 'add-symbol-file $image' -ex 'target remote localhost:$port'"

if [ $server_only = 1 ]; then
    echo "debug: QEMU waits for gdb on port $port. In another terminal run:"
    echo "  $gdb $gdb_args"
    echo "debug: e.g. 'hbreak arch_init' then 'continue'. Ctrl-A x stops QEMU."
    exec "$here/run.sh" "$image" "$mem" -S -gdb "tcp::$port"
fi

"$here/run.sh" "$image" "$mem" -S -gdb "tcp::$port" </dev/null &
qemu_pid=$!
trap 'kill $qemu_pid 2>/dev/null || true' EXIT INT TERM
echo "debug: QEMU (pid $qemu_pid) stopped at reset; try 'hbreak arch_init', 'continue'"
eval "$gdb $gdb_args"
