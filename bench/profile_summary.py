"""Where each booking's CPU goes, from the py-spy profiles that
`bench/gateway_load.py --py-spy DIR` wrote (collapsed stacks, one file per
service and concurrency).

    .venv/bin/python bench/profile_summary.py DIR --bookings N [--rate 50] [--top 12]

For each service: CPU-ms per booking (samples / rate / bookings: py-spy
samples only threads that are running, so an idle eventlet hub counts
nothing), then the share by package of the innermost frame (self time), and
the project's own functions by inclusive time."""
import argparse
import re
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<name>.*) \((?P<path>[^:]*)(?::\d+)?\)$")


def package(path):
    parts = Path(path).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            rest = parts[parts.index(marker) + 1:]
            return rest[0].removesuffix(".py") if rest else "?"
    for i, part in enumerate(parts):
        if part.startswith("jastar_"):
            return part
        if re.fullmatch(r"python3\.\d+", part) and i + 1 < len(parts):
            return "stdlib:" + parts[i + 1].removesuffix(".py")
    return Path(path).name or "?"


def read(path):
    """[(frames from outermost to innermost, samples)]"""
    stacks = []
    for line in Path(path).read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def summarise(path, bookings, rate, top):
    stacks = read(path)
    total = sum(n for _, n in stacks)
    per_booking = total / rate * 1000 / bookings if bookings else 0.0
    by_package, own = Counter(), Counter()
    for frames, n in stacks:
        parsed = [FRAME.match(f) for f in frames]
        innermost = next((m for m in reversed(parsed) if m), None)
        by_package[package(innermost["path"]) if innermost else "?"] += n
        seen = set()
        for m in parsed:
            if m and package(m["path"]).startswith("jastar_"):
                key = f"{package(m['path'])}.{Path(m['path']).stem}.{m['name']}"
                if key not in seen:
                    seen.add(key)
                    own[key] += n
    print(f"\n{Path(path).stem}: {total} samples, {per_booking:.2f} CPU-ms per booking")
    print("  self time by package of the innermost frame:")
    for name, n in by_package.most_common(top):
        print(f"    {100 * n / total:5.1f}%  {n / rate * 1000 / bookings:6.2f} ms  {name}")
    print("  the project's functions, inclusive:")
    for name, n in own.most_common(top):
        print(f"    {100 * n / total:5.1f}%  {n / rate * 1000 / bookings:6.2f} ms  {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--bookings", type=int, required=True, help="bookings made while profiled")
    parser.add_argument("--rate", type=int, default=50, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    for path in sorted(Path(args.directory).glob("*.txt")):
        summarise(path, args.bookings, args.rate, args.top)


if __name__ == "__main__":
    main()
