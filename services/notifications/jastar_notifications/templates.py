"""Message templates: text files a non-programmer can edit, one per message
type and language (templates/README.md says how)."""
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "templates"
LANGUAGES = ("kk", "ru", "en")
FALLBACK = "en"
PLACEHOLDERS = frozenset({
    "name", "centre", "address", "what", "when", "previous_when", "deadline", "reason",
    "lead", "code",
})


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    body: str


class TemplateMissing(LookupError):
    pass


@lru_cache(maxsize=None)
def load(language, message_type):
    """(subject, body) from templates/<language>/<message_type>.txt."""
    path = TEMPLATE_DIR / language / f"{message_type}.txt"
    if not path.is_file():
        raise TemplateMissing(f"no template {language}/{message_type}.txt")
    text = path.read_text(encoding="utf-8").strip()
    first, _, rest = text.partition("\n")
    if first.startswith("Subject:"):
        return first.removeprefix("Subject:").strip(), rest.strip()
    return "", text


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render(message_type, language, context):
    """The message in the member's language, or English if that file is
    missing. Placeholders with no value become empty, never "{when}"."""
    try:
        subject, body = load(language, message_type)
    except TemplateMissing:
        language = FALLBACK
        subject, body = load(language, message_type)
    values = {name: "" for name in PLACEHOLDERS}
    values.update({k: ("" if v is None else str(v)) for k, v in context.items()})
    return Rendered(language, subject.format_map(values),
                    " ".join(body.format_map(values).split()))
