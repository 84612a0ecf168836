"""docs/architecture.md stays true: every file, module, name, queue and event
type it cites in backticks exists, and its picture names every event type
and every subscription there is."""
import re
from pathlib import Path

import yaml

from jastar_common.topology import EVENTS_EXCHANGE_NAME, SUBSCRIPTIONS

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "architecture.md").read_text()
EVENT_TYPES = set(yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text())["components"]["messages"])
EVENT_KINDS = {t.split(".")[0] for t in EVENT_TYPES}
CODE_ROOTS = [ROOT / "gateway", *sorted((ROOT / "services").iterdir()), *sorted((ROOT / "libs").iterdir())]
PACKAGES = {p.name: p for base in CODE_ROOTS for p in base.glob("jastar_*") if p.is_dir()}
SOURCES = "\n".join(p.read_text() for base in [*CODE_ROOTS, ROOT / "tests"] for p in base.rglob("*.py"))
SCRIPTS = "\n".join(p.read_text() for base in CODE_ROOTS for p in base.glob("pyproject.toml"))
FILE = re.compile(r"\.(py|md|ya?ml|sh|js|json|toml|txt|html)$")


def cited():
    """(span, directory it is relative to or None) for each backticked span;
    in a table whose header cites directories, a cell is relative to its column's."""
    columns = None
    for line in DOC.splitlines():
        if not line.startswith("|"):
            columns = None
            pieces = [(line, None)]
        elif columns is None:  # a table's header
            columns = [re.fullmatch(r"\s*`([^`]+)`\s*", c) for c in line.strip("|").split("|")]
            columns = [ROOT / m.group(1) if m and (ROOT / m.group(1)).is_dir() else None for m in columns]
            pieces = [(line, None)]
        else:
            pieces = zip(line.strip("|").split("|"), columns)
        for text, base in pieces:
            for span in re.findall(r"`([^`\n]+)`", text):
                yield span, base


def problem(span, base):
    """Why `span` is not true of the code, or None."""
    if re.search(r"[<\s()\"]", span) or span.startswith("."):
        return None  # a pattern or a piece of code, not a name
    if "/" in span or FILE.search(span):
        bases = [base] if base else [ROOT, *CODE_ROOTS, *PACKAGES.values()]
        return None if any((b / span).exists() for b in bases) else "no such file"
    if span.startswith("jastar_"):
        package, *rest = span.split(".")
        where = PACKAGES.get(package)
        found = where and (where.joinpath(*rest).with_suffix(".py").exists() or where.joinpath(*rest).is_dir())
        return None if found else "no such module"
    if span.startswith("jastar."):
        return None if span == EVENTS_EXCHANGE_NAME or span in SUBSCRIPTIONS else "no such queue"
    if span.split(".")[0] in EVENT_KINDS:
        kind, verb = span.split(".", 1)
        return None if verb == "*" or span in EVENT_TYPES else "no such event type"
    if "-" in span:
        return None if re.search(rf"^{re.escape(span)}\s*=", SCRIPTS, re.M) else "no such command"
    name = span.split(".")[-1]
    if re.fullmatch(r"\w+", name):
        defined = rf"^\s*(def|class)\s+{name}\b|^{name}\s*="
        return None if re.search(defined, SOURCES, re.M) else "not defined in the code"
    return None


def test_every_cited_path_module_and_name_exists():
    wrong = {span: why for span, base in cited() if (why := problem(span, base))}
    assert not wrong, wrong


def test_the_checker_catches_what_is_not_there():
    assert problem("services/booking/jastar_booking/nothing.py", None)
    assert problem("jastar_common.nothing", None)
    assert problem("booking.teleported", None)
    assert problem("NoSuchThing", None)
    assert problem("jastar.booking.nothing", None)
    assert problem("service.py", ROOT / "libs")
    assert problem("domain/model.py", None) is None


def test_the_picture_names_every_event_type_and_subscription():
    picture = DOC.split("```mermaid", 1)[1].split("```", 1)[0]
    words = set(re.findall(r"[a-z_]+", picture))
    missing = sorted(t for t in EVENT_TYPES if not set(t.split(".")) <= words)
    assert not missing, missing
    missing = sorted(s.key for s in SUBSCRIPTIONS.values() if s.name not in words or s.key not in DOC)
    assert not missing, missing
