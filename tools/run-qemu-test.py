#!/usr/bin/env python3
"""Boot a Keel image in QEMU headless and judge the run from its serial output.

Test protocol (what a test root task prints, one per line):
    [test] <name>: PASS
    [test] <name>: FAIL <reason>
    [test] all done                    (the run is complete)

The run FAILS on any FAIL line, on a line containing "KERNEL PANIC", on timeout, when
QEMU exits with a non-zero status, or when the done marker never appears. After the
done marker QEMU gets a few seconds to halt by itself (the kernel's halt makes QEMU
exit 0) and is then stopped. The last line printed is "N passed, N failed", where
abnormal ends (panic, timeout, bad exit status, no done marker) count as failures.

    run-qemu-test.py [options] IMAGE [MEM]

Output is streamed to the terminal and to --log. --send-after MARKER --send TEXT types
TEXT into the serial console once MARKER has appeared (repeatable, in order).
--expect TEXT (repeatable) checks interactive programs without a test protocol: each
TEXT must appear in the output after the previous one; each counts as one test.
"""

import argparse
import os
import re
import selectors
import signal
import subprocess
import sys
import time

RUN_SH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "qemu", "run.sh")
RESULT_RE = re.compile(r"\[test\] (?P<name>.+?): (?P<verdict>PASS|FAIL)\b ?(?P<why>.*)")
HALT_GRACE_S = 5


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("image")
    p.add_argument("mem", nargs="?", default="1G")
    p.add_argument("--timeout", type=float, default=120, help="seconds (default 120)")
    p.add_argument("--log", help="also write the output here")
    p.add_argument("--done-marker", default="[test] all done",
                   help='line content that ends the run (default "[test] all done")')
    p.add_argument("--allow-no-tests", action="store_true",
                   help="succeed without any PASS line (boot smoke tests)")
    p.add_argument("--send-after", action="append", default=[], metavar="MARKER")
    p.add_argument("--send", action="append", default=[], metavar="TEXT",
                   help="text for the matching --send-after (\\n and \\r understood)")
    p.add_argument("--expect", action="append", default=[], metavar="TEXT",
                   help="text that must appear in the output, after the previous one "
                        "(repeatable; each counts as a test)")
    p.add_argument("--qemu-arg", action="append", default=[],
                   help="extra QEMU option (repeatable)")
    args = p.parse_args()
    if len(args.send_after) != len(args.send):
        p.error("each --send-after needs a --send")
    return args


class Run:
    def __init__(self, args, log):
        self.args = args
        self.log = log
        self.passed = 0
        self.failures = []          # reasons, one per failure
        self.done = False
        self.panicked = False
        self.partial = ""           # current line (no newline yet)
        self.sends = [(m, t.encode().decode("unicode_escape"))
                      for m, t in zip(args.send_after, args.send)]
        self.expects = list(args.expect)
        self.found = []             # --expect texts seen so far
        self.unmatched = ""         # output not yet searched past by --expect

    def output(self, data):
        text = data.decode("utf-8", errors="replace")
        sys.stdout.write(text)
        sys.stdout.flush()
        if self.log:
            self.log.write(text)
        self.partial += text.replace("\r", "")
        self.match_expects(text.replace("\r", ""))
        *lines, self.partial = self.partial.split("\n")
        for line in lines:
            self.judge(line)

    def match_expects(self, text):
        if not self.expects:
            return
        self.unmatched += text
        while self.expects and self.expects[0] in self.unmatched:
            at = self.unmatched.index(self.expects[0]) + len(self.expects[0])
            self.unmatched = self.unmatched[at:]
            self.passed += 1
            self.found.append(self.expects.pop(0))

    def judge(self, line):
        m = RESULT_RE.search(line)
        if m:
            if m.group("verdict") == "PASS":
                self.passed += 1
            else:
                self.failures.append("%s: %s" % (m.group("name"), m.group("why") or "FAIL"))
        if "KERNEL PANIC" in line and not self.panicked:
            self.panicked = True
            self.failures.append("kernel panic: " + line.strip())
        if self.args.done_marker in line:
            self.done = True


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    args = parse_args()
    if args.log:
        os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    log = open(args.log, "w") if args.log else None
    run = Run(args, log)
    cmd = [RUN_SH, args.image, args.mem] + args.qemu_arg
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + args.timeout
    done_at = None
    timed_out = False
    seen = ""                       # output since the last send; markers may be
                                    # prompts without a newline

    while True:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        if done_at is not None and now >= done_at + HALT_GRACE_S:
            break                   # done, but QEMU did not halt: that is fine
        if run.panicked and done_at is None:
            done_at = now           # give QEMU a moment to print the dump and exit
        if not sel.select(timeout=0.2):
            if proc.poll() is not None:
                break
            continue
        data = os.read(proc.stdout.fileno(), 4096)
        if not data:
            break
        seen += data.decode("utf-8", errors="replace").replace("\r", "")
        run.output(data)
        if run.sends and run.sends[0][0] in seen:
            seen = ""
            proc.stdin.write(run.sends.pop(0)[1].encode())
            proc.stdin.flush()
        if run.done and done_at is None:
            done_at = time.monotonic()

    if run.partial:
        run.judge(run.partial)
    status = proc.poll()            # None: still running, we stop it
    stop(proc)

    print()
    if timed_out:
        run.failures.append("timeout after %g s" % args.timeout)
    elif status is not None and status != 0:
        run.failures.append("QEMU exited with status %d" % status)
    if not run.done and not timed_out:
        run.failures.append('the done marker "%s" never appeared' % args.done_marker)
    for text in run.found:
        print('expected "%s": found' % text)
    for text in run.expects:
        run.failures.append('expected "%s" never appeared' % text)
    if run.passed == 0 and not args.allow_no_tests and not run.failures:
        run.failures.append("no test passed")
    for why in run.failures:
        print("FAILED: " + why)
    summary = "%d passed, %d failed" % (run.passed, len(run.failures))
    print(summary)
    if log:
        log.write("\n" + "\n".join("FAILED: " + w for w in run.failures) +
                  "\n" + summary + "\n")
        log.close()
    return 1 if run.failures else 0


if __name__ == "__main__":
    sys.exit(main())
