"""The web app's message catalogues: every text the app asks for exists in
Kazakh and in Russian, with the same placeholders."""
import json
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "web"
CATALOGUES = {lang: json.loads((WEB / "messages" / f"{lang}.json").read_text(encoding="utf-8"))
              for lang in ("kk", "ru")}
# t("key"), t(`prefix.${x}`) (checked as a prefix), label: "key" in routes.js
CALL = re.compile(r"""\bt\(\s*(["'`])([a-z_][\w.]*?)(\$\{[^}]*\}[\w.]*)?\1""")
LABEL = re.compile(r"""label:\s*"([a-z_][\w.]+)\"""")


def used_keys():
    keys, prefixes = set(), set()
    for source in (WEB / "app").rglob("*.js"):
        text = source.read_text(encoding="utf-8")
        for _, key, dynamic in CALL.findall(text):
            (prefixes if dynamic else keys).add(key)
        keys.update(LABEL.findall(text))
    return keys, prefixes


def placeholders(value):
    texts = value.values() if isinstance(value, dict) else value if isinstance(value, list) else [value]
    return {name for text in texts for name in re.findall(r"\{(\w+)\}", text)}


def test_both_languages_have_the_same_messages_and_placeholders():
    kk, ru = CATALOGUES["kk"], CATALOGUES["ru"]
    assert set(kk) ^ set(ru) == set()
    for key in kk:
        assert placeholders(kk[key]) == placeholders(ru[key]), key


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_text_the_app_asks_for_is_in_the_catalogue(lang):
    keys, prefixes = used_keys()
    assert len(keys) > 100  # the pattern still finds the app's calls
    missing = sorted(k for k in keys if k not in CATALOGUES[lang])
    assert not missing, missing
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in CATALOGUES[lang]), prefix


def test_month_and_weekday_names_are_complete():
    for messages in CATALOGUES.values():
        assert len(messages["date.months"]) == len(messages["date.months_short"]) == 12
        assert len(messages["date.weekdays"]) == len(messages["date.weekdays_short"]) == 7
