#!/usr/bin/env python3
"""Run Keel's benchmark image(s) under QEMU -icount shift=0 and report the results.

    run.py --image LABEL=IMAGE [--image LABEL=IMAGE ...] [--mem 1G] [--timeout S]
           [--out-dir DIR] [--no-plot] [--verbose]

Each image (the apps/bench root task on a kernel built with CONFIG_EXPORT_PMU_USER=1;
LABEL names the kernel variant, e.g. "fastpath") is booted headless through
tools/qemu/run.sh with BENCH=1, so one instruction is one tick of the cycle counter and
the counts are deterministic. The root task prints lines

    BENCH,<name>,<words>,<min>,<median>,<mean>

(instruction counts, measurement overhead subtracted) and "bench: done" at the end.

Outputs in --out-dir: results.csv (variant,name,words,min,median,mean), <label>.log (the
serial output), ipc-vs-length.png (gnuplot: IPC cost against message length). The
table printed at the end compares with seL4's reference numbers (sel4bench on the same
emulated CPU, icount). Exit status 1 if any image did not finish its run.
"""

import argparse
import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import time

TOOLS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO_DIR = os.path.dirname(TOOLS_DIR)
RUN_SH = os.path.join(TOOLS_DIR, "qemu", "run.sh")

DONE_MARKER = "bench: done"
ERROR_MARKERS = ("bench: error", "bench: aborted", "KERNEL PANIC", "keel: panic")
HALT_GRACE_S = 5
BENCH_RE = re.compile(r"^BENCH,([A-Za-z0-9_]+),(\d+),(\d+),(\d+),([\d.]+)\s*$")
INFO_RE = re.compile(r"^BENCHINFO,([A-Za-z0-9_]+),(.*)$")

# seL4 on the same emulated CPU (sel4bench, -icount shift=0), 0-word messages.
# Keel's target is 10% fewer instructions.
SEL4_REFERENCE = [
    # label, seL4 instructions, Keel benchmarks compared with it
    ("IPC Call, cross AS", 383, ["ipc_call_cross_passive", "ipc_call_cross_active"]),
    ("IPC ReplyRecv, cross AS", 434,
     ["ipc_replyrecv_cross_passive", "ipc_replyrecv_cross_active"]),
    ("Signal -> higher-prio waiter", 1265, ["signal_hiprio_same", "signal_hiprio_cross"]),
    ("Yield (thread switch)", 780, ["yield_same", "yield_cross"]),
]
TARGET_FACTOR = 0.9

IPC_LINES = [
    ("ipc_call_cross_passive", "Call, cross AS, passive"),
    ("ipc_replyrecv_cross_passive", "ReplyRecv, cross AS, passive"),
    ("ipc_call_cross_active", "Call, cross AS, active"),
    ("ipc_replyrecv_cross_active", "ReplyRecv, cross AS, active"),
    ("ipc_call_same_passive", "Call, same AS, passive"),
    ("ipc_replyrecv_same_passive", "ReplyRecv, same AS, passive"),
]


# ---- running QEMU ------------------------------------------------------------------------

class Run:
    """One boot of one image: its output lines and how it ended."""

    def __init__(self, label, image):
        self.label = label
        self.image = image
        self.lines = []
        self.done = False
        self.errors = []
        self.timed_out = False
        self.exit_status = None
        self.seconds = 0.0

    def ok(self):
        return self.done and not self.errors and not self.timed_out

    def results(self):
        rows = []
        for line in self.lines:
            m = BENCH_RE.match(line)
            if m:
                rows.append({"variant": self.label, "name": m.group(1),
                             "words": int(m.group(2)), "min": int(m.group(3)),
                             "median": int(m.group(4)), "mean": float(m.group(5))})
        return rows

    def info(self):
        out = {}
        for line in self.lines:
            m = INFO_RE.match(line)
            if m:
                out[m.group(1)] = m.group(2)
        return out


def judge_line(run, line):
    if DONE_MARKER in line:
        run.done = True
    if any(marker in line for marker in ERROR_MARKERS):
        run.errors.append(line.strip())


def stop_qemu(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def read_output(proc, run, log, timeout, verbose):
    """Collect lines until QEMU exits, the run is done (plus a grace period) or timeout."""
    deadline = time.monotonic() + timeout
    done_at = None
    os.set_blocking(proc.stdout.fileno(), False)
    partial = b""
    while proc.poll() is None:
        now = time.monotonic()
        if now > deadline:
            run.timed_out = True
            break
        if done_at is not None and now > done_at + HALT_GRACE_S:
            break
        chunk = proc.stdout.read()
        if not chunk:
            time.sleep(0.05)
            continue
        partial = consume(run, log, partial + chunk, verbose)
        if run.done and done_at is None:
            done_at = now
    rest = proc.stdout.read() or b""
    consume(run, log, partial + rest + b"\n", verbose)


def consume(run, log, data, verbose):
    *lines, partial = data.split(b"\n")
    for raw in lines:
        line = raw.decode("utf-8", errors="replace").replace("\r", "")
        log.write(line + "\n")
        if verbose:
            print(f"[{run.label}] {line}")
        run.lines.append(line)
        judge_line(run, line)
    return partial


def boot(label, image, mem, timeout, out_dir, verbose):
    run = Run(label, image)
    env = dict(os.environ, BENCH="1")
    log_path = os.path.join(out_dir, f"{label}.log")
    print(f"bench: booting {image} ({label}, MEM={mem}, -icount shift=0), log {log_path}")
    start = time.monotonic()
    with open(log_path, "w") as log:
        proc = subprocess.Popen([RUN_SH, image, mem], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            read_output(proc, run, log, timeout, verbose)
        finally:
            stop_qemu(proc)
    run.exit_status = proc.returncode
    run.seconds = time.monotonic() - start
    return run


def describe_failure(run):
    if run.errors:
        why = run.errors[0]
    elif run.timed_out:
        why = "timed out"
    elif not run.done:
        why = f"QEMU exited (status {run.exit_status}) before '{DONE_MARKER}'"
    else:
        why = "unknown"
    print(f"bench: {run.label}: FAILED ({why}); last lines of the log:")
    for line in run.lines[-25:]:
        print(f"    {line}")


# ---- tables ----------------------------------------------------------------------------------

def lookup(rows, variant, name, words=0):
    for r in rows:
        if r["variant"] == variant and r["name"] == name and r["words"] == words:
            return r
    return None


def print_reference_table(rows, variants):
    primary = variants[0]
    print(f"\nComparison with seL4 (instructions, median; target = seL4 - 10%; "
          f"verdict for '{primary}')")
    head = f"  {'measurement':29} {'seL4':>5} {'target':>6}  {'Keel benchmark':28}"
    head += "".join(f" {v:>9}" for v in variants) + "  vs seL4"
    print(head)
    for label, ref, names in SEL4_REFERENCE:
        target = round(ref * TARGET_FACTOR)
        for i, name in enumerate(names):
            first = f"  {label if i == 0 else '':29} {ref if i == 0 else '':>5} "
            first += f"{target if i == 0 else '':>6}  {name:28}"
            print(first + reference_cells(rows, variants, name)
                  + verdict(lookup(rows, primary, name), ref, target))


def reference_cells(rows, variants, name):
    cells = ""
    for v in variants:
        r = lookup(rows, v, name)
        cells += f" {r['median'] if r else '-':>9}"
    return cells


def verdict(row, ref, target):
    if row is None:
        return "  (not measured)"
    pct = 100.0 * (row["median"] - ref) / ref
    mark = "meets target" if row["median"] <= target else "misses target"
    return f"  {pct:+.0f}% ({mark})"


def print_ipc_length_table(rows, variant):
    print(f"\nIPC one-way cost against message length, median instructions ({variant})")
    print("  " + f"{'words':>5}" + "".join(f" {short_ipc(n):>13}" for n, _ in IPC_LINES))
    lengths = sorted({r["words"] for r in rows
                      if r["variant"] == variant and r["name"].startswith("ipc_")})
    for words in lengths:
        cells = ""
        for name, _ in IPC_LINES:
            r = lookup(rows, variant, name, words)
            cells += f" {r['median'] if r else '-':>13}"
        print(f"  {words:>5}" + cells)
    print("  (x = cross address space, s = same; pas = passive server, act = active)")


def short_ipc(name):
    parts = name.split("_")       # ipc, call|replyrecv, cross|same, passive|active
    op = "Call" if parts[1] == "call" else "RplyRcv"
    return f"{op}/{'x' if parts[2] == 'cross' else 's'}/{parts[3][:3]}"


def print_other_table(rows, variants):
    print("\nAll other results (min / median / mean instructions)")
    names = []
    for r in rows:
        key = (r["name"], r["words"])
        if not r["name"].startswith("ipc_") and key not in names:
            names.append(key)
    print(f"  {'benchmark':28} {'words':>5}" + "".join(f" {v:>24}" for v in variants))
    for name, words in names:
        cells = ""
        for v in variants:
            r = lookup(rows, v, name, words)
            text = f"{r['min']}/{r['median']}/{r['mean']:.1f}" if r else "-"
            cells += f" {text:>24}"
        print(f"  {name:28} {words:>5}" + cells)


# ---- CSV and plot ----------------------------------------------------------------------------

def write_csv(rows, path):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["variant", "name", "words", "min", "median", "mean"])
        w.writeheader()
        for r in rows:
            w.writerow(r)
    print(f"\nbench: wrote {path} ({len(rows)} rows)")


# Cross-AS lines only (same-AS costs are plotted nowhere: they are in the CSV), one
# colour per line, one dash type per kernel variant; the debug kernel is left out when
# release variants exist.
PLOT_LINES = [
    ("ipc_call_cross_passive", "Call, passive", "#1f77b4"),
    ("ipc_replyrecv_cross_passive", "ReplyRecv, passive", "#ff7f0e"),
    ("ipc_call_cross_active", "Call, active", "#2ca02c"),
    ("ipc_replyrecv_cross_active", "ReplyRecv, active", "#d62728"),
]


def plot(rows, variants, out_dir):
    if not shutil.which("gnuplot"):
        print("bench: gnuplot not found; no plot (tools/setup.sh installs gnuplot-nox)")
        return
    shown = [v for v in variants if v != "debug"] or variants
    series = []
    for dash, v in enumerate(shown, start=1):
        for name, title, colour in PLOT_LINES:
            points = sorted((r["words"], r["median"]) for r in rows
                            if r["variant"] == v and r["name"] == name)
            if points:
                style = f"lc rgb '{colour}' dt {dash}"
                series.append((f"{title} ({v})", style, points))
    if not series:
        return
    png = os.path.join(out_dir, "ipc-vs-length.png")
    result = subprocess.run(["gnuplot"], input=gnuplot_script(series, png), text=True,
                            capture_output=True)
    if result.returncode != 0:
        print(f"bench: gnuplot failed: {result.stderr.strip()}")
        return
    print(f"bench: wrote {png}")


def png_terminal():
    """pngcairo draws dashed lines; the plain (libgd) png terminal is the fallback."""
    probe = subprocess.run(["gnuplot", "-e", "set terminal pngcairo"], capture_output=True)
    return "pngcairo" if probe.returncode == 0 else "png"


def gnuplot_script(series, png):
    lines = [
        f"set terminal {png_terminal()} size 1100,650",
        f"set output '{png}'",
        "set title 'Keel one-way IPC cost vs message length, cross address space "
        "(QEMU cortex-a53, -icount shift=0)'",
        "set xlabel 'message length (words)'",
        "set ylabel 'instructions (median)'",
        "set key outside right top",
        "set grid",
        "set xrange [0:125]",
        "set yrange [0:*]",
        "plot " + ", ".join(f"'-' using 1:2 with linespoints {style} lw 2 title '{label}'"
                            for label, style, _ in series),
    ]
    for _, _, points in series:
        lines += [f"{x} {y}" for x, y in points] + ["e"]
    return "\n".join(lines) + "\n"


# ---- fastpath note ---------------------------------------------------------------------------

def fastpath_note(variants):
    if len(variants) > 1:
        return f"kernel variants measured: {', '.join(variants)}"
    hits = subprocess.run(["grep", "-rl", "CONFIG_FASTPATH", "kernel", "mk"], cwd=REPO_DIR,
                          capture_output=True, text=True).stdout.split()
    if not hits:
        return ("CONFIG_FASTPATH does not exist in kernel/ or mk/ yet: one kernel measured "
                "(no fastpath on/off comparison)")
    return ("CONFIG_FASTPATH appears in " + ", ".join(hits) + " but is not in "
            "KERNEL_CONFIG_VARS (mk/kernel.mk), so apps/bench/app.mk built one variant")


# ---- main --------------------------------------------------------------------------------------

def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--image", action="append", required=True, metavar="LABEL=IMAGE")
    p.add_argument("--mem", default="1G")
    p.add_argument("--timeout", type=float, default=600, help="seconds per image")
    p.add_argument("--out-dir", default="build/bench")
    p.add_argument("--no-plot", action="store_true")
    p.add_argument("--verbose", action="store_true", help="echo the serial output")
    args = p.parse_args()
    args.images = []
    for spec in args.image:
        label, sep, path = spec.partition("=")
        if not sep or not label or not path:
            p.error(f"--image wants LABEL=IMAGE, got {spec!r}")
        args.images.append((label, path))
    return args


def main():
    args = parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    runs = [boot(label, image, args.mem, args.timeout, args.out_dir, args.verbose)
            for label, image in args.images]
    rows = []
    for run in runs:
        got = run.results()
        print(f"bench: {run.label}: {len(got)} results in {run.seconds:.0f} s"
              f"{'' if run.ok() else ' (incomplete)'}")
        info = run.info()
        if "ticks_per_100_insns" in info and info["ticks_per_100_insns"] != "100":
            print(f"bench: {run.label}: WARNING: 100 instructions counted as "
                  f"{info['ticks_per_100_insns']} ticks (icount not in effect?)")
        if not run.ok():
            describe_failure(run)
        rows += got
    variants = [run.label for run in runs if run.results()]
    if rows:
        print_reference_table(rows, variants)
        for v in variants:
            print_ipc_length_table(rows, v)
        print_other_table(rows, variants)
        write_csv(rows, os.path.join(args.out_dir, "results.csv"))
        if not args.no_plot:
            plot(rows, variants, args.out_dir)
    print(f"bench: {fastpath_note([run.label for run in runs])}")
    return 0 if all(run.ok() for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
