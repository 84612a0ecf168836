"""Where each booking's CPU goes, from the py-spy profiles that
`bench/gateway_load.py --py-spy DIR` wrote (collapsed stacks, one file per
service and concurrency).

    .venv/bin/python bench/profile_summary.py DIR --bookings N [--rate 50] [--top 12]
        [--cpu gateway=3.2 booking=5.6 ...]

For each service: its samples, then the share by package of the innermost
frame (self time), and the project's own functions by inclusive time. py-spy
leaves out idle threads (an eventlet hub in epoll), but a process that is
runnable and waiting for a core still counts, so on a saturated machine
samples / rate overstates CPU time: give each service's CPU-ms per booking as
the bench measured it from /proc (--cpu) and the shares are turned into ms of
that; without it, ms are samples / rate / bookings."""
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


def summarise(path, bookings, rate, top, measured=None):
    stacks = read(path)
    total = sum(n for _, n in stacks) or 1
    per_booking = measured if measured is not None else total / rate * 1000 / bookings
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
    source = "measured" if measured is not None else "from samples"
    print(f"\n{Path(path).stem}: {total} samples, {per_booking:.2f} CPU-ms per booking ({source})")
    print("  self time by package of the innermost frame:")
    for name, n in by_package.most_common(top):
        print(f"    {100 * n / total:5.1f}%  {per_booking * n / total:6.2f} ms  {name}")
    print("  the project's functions, inclusive:")
    for name, n in own.most_common(top):
        print(f"    {100 * n / total:5.1f}%  {per_booking * n / total:6.2f} ms  {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--bookings", type=int, required=True, help="bookings made while profiled")
    parser.add_argument("--rate", type=int, default=50, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--cpu", nargs="*", default=[], metavar="SERVICE=MS",
                        help="CPU-ms per booking of each service as the bench printed it")
    args = parser.parse_args()
    measured = {k: float(v) for k, v in (item.split("=", 1) for item in args.cpu)}
    for path in sorted(Path(args.directory).glob("*.txt")):
        service = Path(path).stem.rsplit("-x", 1)[0]
        summarise(path, args.bookings, args.rate, args.top, measured.get(service))


if __name__ == "__main__":
    main()
