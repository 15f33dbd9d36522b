#!/bin/sh
# Run a static Keel user program at EL0 on the test monitor (no kernel) and check
# that its output contains MARKER and no failure line.
#   run-on-monitor.sh MONITOR_ELF PROGRAM_ELF MARKER [CROSS] [QEMU]
set -eu
mon=$1 elf=$2 marker=$3 cross=${4:-aarch64-linux-gnu-} qemu=${5:-qemu-system-aarch64}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${cross}objcopy" -O binary "$elf" "$work/prog.bin"
entry=$("${cross}readelf" -h "$elf" | awk '/Entry point/ { print $4 }')
python3 -c "import struct,sys; open(sys.argv[1],'wb').write(struct.pack('<Q', int(sys.argv[2], 16)))" \
    "$work/entry.bin" "$entry"
status=0
timeout 30 "$qemu" -M virt -cpu cortex-a53 -m 2G -nographic -monitor none \
    -semihosting-config enable=on,target=native -kernel "$mon" \
    -device loader,file="$work/prog.bin",addr=0x48000000,force-raw=on \
    -device loader,file="$work/entry.bin",addr=0x47fffff8,force-raw=on \
    </dev/null >"$work/out.txt" 2>&1 || status=$?
tr -d '\r' <"$work/out.txt"
if [ $status -ne 0 ]; then
    echo "run-on-monitor: $(basename "$elf"): QEMU exit status $status" >&2
    exit 1
fi
if ! grep -q -- "$marker" "$work/out.txt" || grep -q 'FAIL\|unexpected exception' "$work/out.txt"; then
    echo "run-on-monitor: $(basename "$elf"): expected '$marker' and no failures" >&2
    exit 1
fi
