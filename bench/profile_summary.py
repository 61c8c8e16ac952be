"""Summarise a `py-spy record -f raw` profile (collapsed stacks) written by `bench/run.py --profile`.

    .venv/bin/python bench/profile_summary.py bench/results/profile-scan-w1.txt [--top 30] [--match ordi/]

Prints: share of samples by package (self time), the functions with the most self time, and the
functions with the most inclusive time (optionally only those whose file contains --match).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]+)(?::(?P<line>\d+))?\)$")


def package_of(path: str) -> str:
    for marker in ("site-packages/", "lib/python3.11/"):
        if marker in path:
            rest = path.split(marker, 1)[1]
            top = rest.split("/", 1)[0].removesuffix(".py")
            return top if marker == "site-packages/" else f"stdlib:{top}"
    if "/ordi/" in path or path.startswith("ordi/"):
        return "ordi"
    return path.rsplit("/", 1)[-1]


def parse(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        frames, _, count = line.rpartition(" ")
        stacks.append((frames.split(";"), int(count)))
    return stacks


def short(frame: str) -> str:
    m = _FRAME.match(frame)
    if not m:
        return frame
    file = m.group("file")
    for marker in ("site-packages/", "/work/main/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{m.group('func')} ({file})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("profile")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--match", default="")
    args = parser.parse_args()
    stacks = parse(Path(args.profile))
    total = sum(c for _, c in stacks)
    by_package: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for frames, count in stacks:
        leaf = frames[-1]
        m = _FRAME.match(leaf)
        by_package[package_of(m.group("file")) if m else leaf] += count
        self_time[short(leaf)] += count
        for name in {short(f) for f in frames}:
            inclusive[name] += count
    print(f"{total} samples\n\nself time by package:")
    for name, count in by_package.most_common(20):
        print(f"  {100 * count / total:5.1f} %  {name}")
    print("\nself time by function:")
    for name, count in self_time.most_common(args.top):
        print(f"  {100 * count / total:5.1f} %  {name}")
    print("\ninclusive time by function" + (f" (matching {args.match!r})" if args.match else "") + ":")
    shown = 0
    for name, count in inclusive.most_common():
        if args.match and args.match not in name:
            continue
        print(f"  {100 * count / total:5.1f} %  {name}")
        shown += 1
        if shown >= args.top:
            break


if __name__ == "__main__":
    main()
