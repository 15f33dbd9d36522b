#!/usr/bin/env python3
"""Add up the results of one `make test` run and print the closing line.

Reads the logs the run left in a directory: host unit test logs (cmocka's
"[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)," lines) and QEMU test logs (the
runner's "N passed, N failed" line). Prints one line per log and then
"N passed, N failed" for everything. Exits non-zero if anything failed or a log has no
result at all (a program that crashed before reporting).
"""
import pathlib
import re
import sys

CMOCKA_PASSED = re.compile(r"^\[  PASSED  \] (\d+) test")
CMOCKA_FAILED = re.compile(r"^\[  FAILED  \] (\d+) test")
RUNNER = re.compile(r"^(\d+) passed, (\d+) failed")


def counts(path):
    """(passed, failed) of one log, or None if it reports no result."""
    passed = failed = 0
    found = False
    for line in path.read_text(errors="replace").splitlines():
        m = RUNNER.match(line)
        if m:
            return int(m.group(1)), int(m.group(2))
        m = CMOCKA_PASSED.match(line)
        if m:
            passed += int(m.group(1))
            found = True
        m = CMOCKA_FAILED.match(line)
        if m:
            failed += int(m.group(1))
            found = True
    return (passed, failed) if found else None


def main():
    logdir = pathlib.Path(sys.argv[1])
    total_passed = total_failed = 0
    broken = []
    for log in sorted(logdir.glob("*.log")):
        result = counts(log)
        if result is None:
            broken.append(log.name)
            print(f"  {log.stem}: no result (crashed?)")
            continue
        print(f"  {log.stem}: {result[0]} passed, {result[1]} failed")
        total_passed += result[0]
        total_failed += result[1]
    total_failed += len(broken)
    print(f"{total_passed} passed, {total_failed} failed")
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
