#!/usr/bin/env python3
"""Word count mapper for Hadoop Streaming: one "word<TAB>1" line per word (lower-cased letters and digits)."""
import re
import sys

WORD = re.compile(r"[^\W_]+")

for line in sys.stdin:
    for word in WORD.findall(line):
        print(f"{word.lower()}\t1")
