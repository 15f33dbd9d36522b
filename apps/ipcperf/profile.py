#!/usr/bin/env python3
"""Where do a kernel entry's instructions go? An instruction-level profile of ipcperf.

    apps/ipcperf/profile.py IMAGE KERNEL_ELF [--mem 1G] [--top N] [--funcs N]

Boots IMAGE under QEMU with -icount shift=0, one instruction per translation block and
exec logging, so every executed instruction is logged with its PC. The trace is cut
into kernel entries (from the EL0 sync vector to the eret back to EL0), entries with
the same instruction count are grouped, and for the most frequent groups the
instructions are attributed to the kernel functions (symbols of KERNEL_ELF).
The measured IPC round trips repeat identically, so they show up as the big groups.
"""
import argparse
import bisect
import collections
import os
import re
import subprocess
import sys
import tempfile

TRACE_RE = re.compile(r"^Trace \d+: 0x[0-9a-f]+ \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elf, nm):
    out = subprocess.run([nm, "-n", elf], check=True, capture_output=True, text=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("image")
    p.add_argument("kernel_elf")
    p.add_argument("--mem", default="1G")
    p.add_argument("--top", type=int, default=4, help="groups to break down")
    p.add_argument("--length", type=int, action="append", default=[],
                   help="break down the entries of this many instructions (repeatable)")
    p.add_argument("--funcs", type=int, default=40, help="functions listed per group")
    p.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-aarch64"))
    p.add_argument("--nm", default=os.environ.get("CROSS", "aarch64-linux-gnu-") + "nm")
    args = p.parse_args()

    addrs, names = symbols(args.kernel_elf, args.nm)
    vec = dict(zip(names, addrs))
    el0_sync = vec["el0_sync"]
    kbase = min(addrs)

    def func(pc):
        i = bisect.bisect_right(addrs, pc) - 1
        return names[i] if i >= 0 else "?"

    with tempfile.TemporaryDirectory() as tmp:
        log = os.path.join(tmp, "trace.log")
        cmd = [args.qemu, "-M", "virt", "-cpu", "cortex-a53", "-m", args.mem, "-nographic",
               "-semihosting-config", "enable=on,target=native", "-icount", "shift=0",
               "-singlestep", "-d", "exec,nochain", "-D", log, "-kernel", args.image]
        subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, timeout=600)

        entries = []            # list of lists of PCs
        cur = None
        with open(log) as f:
            for line in f:
                m = TRACE_RE.match(line)
                if not m:
                    continue
                pc = int(m.group(1), 16)
                if pc == el0_sync:
                    cur = [pc]
                    entries.append(cur)
                elif cur is not None:
                    if pc < kbase:
                        cur = None       # back in user mode
                    else:
                        cur.append(pc)

    groups = collections.defaultdict(list)
    for e in entries:
        groups[len(e)].append(e)
    order = sorted(groups.items(), key=lambda kv: -len(kv[1]))
    print(f"{len(entries)} kernel entries via el0_sync; most frequent lengths:")
    for n, es in order[:12]:
        print(f"  {n:6d} instructions x {len(es)}")
    chosen = [(n, groups[n]) for n in args.length if n in groups] or order[:args.top]
    for n, es in chosen:
        counts = collections.Counter(func(pc) for pc in es[-1])
        print(f"\n== entry of {n} instructions (x{len(es)}): per function")
        for name, c in counts.most_common(args.funcs):
            print(f"  {c:5d}  {name}")


if __name__ == "__main__":
    sys.exit(main())
