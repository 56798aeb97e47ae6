"""The Chinese catalogue reads as one careful writer's Chinese: full-width punctuation inside
Chinese sentences, one form of address (您), a unit after every number it fills in, and no English
string that serves two meanings under one translation."""
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "translations" / "zh" / "LC_MESSAGES" / "messages.po"

HAN = "\u3400-\u9fff\u3000-\u303f\uff00-\uffef"  # CJK ideographs, CJK and full-width punctuation
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
# Not punctuation, though they hold a colon or a question mark: an address, a time of day.
NOT_PROSE = re.compile(r"https?://\S+|\b\d{1,2}:\d{2}\b")
HALF_WIDTH_BESIDE_CHINESE = re.compile(rf"[{HAN}] *[,:;?!()]|[,:;?!()] *[{HAN}]")

# English strings known to say two things (each meaning then needs its own msgctxt, or its own
# wording): sign up / the certificate register; not hiring an applicant / not issuing a requested
# certificate; a start date / a source; a person's name / a thing's; to record / a record.
AMBIGUOUS = ("Register", "Decline", "From", "From (optional)", "Name", "Record")

# A number filled into a sentence carries its unit in Chinese when the English names one.
UNITS = {"hours": "小时", "hour": "小时", "h": "小时", "minutes": "分钟", "minute": "分钟", "min": "分",
         "m": "米", "seconds": "秒", "times": "次", "entries": "条", "projects": "个", "volunteers": "名",
         "attachments": "个", "characters": "个"}
NUMBER_WITH_UNIT = re.compile(r"%\((\w+)\)s[ -](hours?|h|minutes?|min|m|seconds|times|entries|projects|volunteers"
                              r"|attachments|characters)\b")


def messages():
    with CATALOGUE.open("rb") as f:
        return [m for m in read_po(f) if m.id]


def strings(message) -> list[str]:
    return [s for s in (message.string if isinstance(message.string, tuple) else (message.string,)) if s]


def label(message) -> str:
    return f"[{message.context}] {message.id}" if message.context else str(message.id)


def prose(text: str) -> str:
    """The text as read: a placeholder stands for a word of the sentence around it."""
    return PLACEHOLDER.sub("字", NOT_PROSE.sub("0", text))


def test_chinese_sentences_use_full_width_punctuation():
    offenders = [f"{label(m)} => {s}" for m in messages() for s in strings(m)
                 if re.search(f"[{HAN}]", s) and HALF_WIDTH_BESIDE_CHINESE.search(prose(s))]
    assert not offenders, "use ，：；？！（）:\n" + "\n".join(offenders)


@pytest.mark.parametrize("text, flagged", [
    ("请缩小筛选范围:请重试", True), ("审核人 %(name)s,%(when)s", True), ("(ZIP)下载", True),
    ("确定撤销?", True), ("%(start)s 至 %(end)s，与去年同期对比", False), ("名额须在 1 到 100,000 之间。", False),
    ("21:31 签到", False), ("请访问 https://example.org/a?b=1", False), ("Excel (XLSX)", False),
])
def test_the_punctuation_check_tells_prose_from_code(text, flagged):
    assert bool(HALF_WIDTH_BESIDE_CHINESE.search(prose(text))) is flagged


def test_the_user_is_addressed_as_nin_everywhere():
    offenders = [f"{label(m)} => {s}" for m in messages() for s in strings(m) if "你" in s]
    assert not offenders, "address the user as 您:\n" + "\n".join(offenders)


def test_an_ambiguous_english_string_is_translated_only_in_a_context():
    bare = sorted({m.id for m in messages() if m.id in AMBIGUOUS and not m.context})
    assert not bare, ("each meaning needs its own msgctxt (pgettext) or its own wording; used bare: "
                      f"{bare}")


def test_every_string_is_translated():
    untranslated = [label(m) for m in messages() if m.fuzzy or not m.string
                    or (isinstance(m.string, tuple) and not all(m.string))]
    assert not untranslated, untranslated


def test_translations_fill_in_the_same_placeholders():
    mismatched = [label(m) for m in messages() for s in strings(m)
                  if sorted(PLACEHOLDER.findall(m.id if isinstance(m.id, str) else m.id[0]))
                  != sorted(PLACEHOLDER.findall(s))]
    assert not mismatched, mismatched


def test_a_number_keeps_its_unit_in_chinese():
    missing = []
    for m in messages():
        for name, unit in NUMBER_WITH_UNIT.findall(str(m.id)):
            for s in strings(m):
                if not re.search(rf"%\({name}\)s ?{UNITS[unit]}", s):
                    missing.append(f"{label(m)} => {s}")
    assert not missing, missing
