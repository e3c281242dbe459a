#!/usr/bin/env python3
"""Sums every JUnit XML report of the build and prints one line: N passed, N failed, N skipped.

Reports come from surefire (target/surefire-reports) and from bnd-testing (target/test-reports),
which prints no counts of its own. Failed tests are listed above the line.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else "."
patterns = ["**/target/surefire-reports/TEST-*.xml", "**/target/test-reports/**/TEST-*.xml"]
files = sorted({f for p in patterns for f in glob.glob(os.path.join(root, p), recursive=True)})
passed = failed = skipped = 0
failures = []
for f in files:
    try:
        tree = ET.parse(f)
    except ET.ParseError as e:
        failures.append(f"{f}: unreadable report ({e})")
        failed += 1
        continue
    suites = [tree.getroot()] if tree.getroot().tag == "testsuite" else tree.getroot().iter("testsuite")
    for suite in suites:
        for case in suite.iter("testcase"):
            name = f"{case.get('classname')}.{case.get('name')}"
            if case.find("failure") is not None or case.find("error") is not None:
                failed += 1
                failures.append(name)
            elif case.find("skipped") is not None:
                skipped += 1
            else:
                passed += 1
for name in failures:
    print(f"FAILED: {name}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
