"""Reads meson's testlog.json and prints the suite's closing line, "N passed, N failed, N skipped".

A meson test counts once: OK passes; FAIL, TIMEOUT, ERROR and UNEXPECTEDPASS fail; SKIP (exit 77) is
skipped. Doctest cases skipped inside the unit binary (its line "unit: N skipped: ...") count as skipped
too. Under $CI every skip not declared in tests/optional-tests.txt ("NAME — reason" lines) counts as a
failure. No test at all is a failure. Exit status: 0 only when nothing failed.
"""
import json
import os
import re
import sys


def optional_names(path):
    names = {}
    try:
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if " — " in line:
                name, reason = line.split(" — ", 1)
                names[name.strip()] = reason.strip()
    except FileNotFoundError:
        pass
    return names


def main(log_path, optional_path):
    optional = optional_names(optional_path)
    ci = bool(os.environ.get("CI"))
    passed, failed, skipped = [], [], []
    try:
        lines = open(log_path, encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        test = json.loads(line)
        name = test["name"].split(" / ", 1)[-1]
        result = test["result"]
        if result == "OK":
            passed.append(name)
        elif result == "SKIP":
            skipped.append(name)
        else:
            failed.append(f"{name} ({result})")
        m = re.search(r"^unit: (\d+) skipped: (.*)$", test.get("stdout") or "", re.M)
        if m:
            skipped += ["unit: " + case.strip() for case in m.group(2).split(";") if case.strip()]
    for name in skipped:
        print(f"skipped: {name}" + (f" (optional: {optional[name]})" if name in optional else ""))
    if ci:
        failed += [f"{name} (skipped under CI, not declared optional)" for name in skipped if name not in optional]
        skipped = [name for name in skipped if name in optional]
    for name in failed:
        print(f"failed: {name}")
    if not passed and not failed:
        failed.append("no test ran")
    print(f"{len(passed)} passed, {len(failed)} failed, {len(skipped)} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
