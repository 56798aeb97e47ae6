"""The certificate's wording and positions, as data: an organisation changes them here, or in a
JSON file named by CERTIFICATE_LAYOUT_PATH whose top-level keys replace these, without code.

Positions are millimetres from the page's top-left corner; ``{placeholders}`` are filled from
the certificate (name, id_type, id_number, volunteer_no, hours, period, issuer, person_in_charge,
handled_by, serial, code (the verification code), date)."""
from __future__ import annotations

import json
from copy import deepcopy

from volunteer.accounts.vocabulary import IdType

LAYOUT: dict = {
    "title": {"text": "志愿服务记录证明", "x": 105, "y": 38, "size": 26, "align": "center"},
    "subtitle": {"text": "证明编号：{serial}", "x": 185, "y": 50, "size": 10, "align": "right"},
    "body": {
        "x": 25, "y": 66, "width": 160, "size": 13, "leading": 9,
        "paragraphs": [
            "兹证明 {name}（{id_type}：{id_number}；志愿者编号：{volunteer_no}），"
            "于 {period} 期间参加志愿服务，经审核记录的志愿服务时长共计 {hours} 小时。",
            "服务项目及时长如下：",
        ],
    },
    "table": {
        "x": 30, "width": 150, "size": 11, "row_height": 7.5, "max_rows": 14,
        "headers": ["服务项目 / 活动", "时长（小时）"], "hours_column": 150,
        "more": "另有 {count} 个项目，共 {hours} 小时",
    },
    "signature": {
        "x": 110, "y": 222, "size": 12, "leading": 8,
        "lines": ["出具组织：{issuer}", "负责人：{person_in_charge}", "经办人：{handled_by}", "出具日期：{date}"],
    },
    # How the certificate names each kind of ID document.
    "id_types": {IdType.RESIDENT_ID: "居民身份证"},
    "seal": {"x": 128, "y": 196, "size": 42},
    "qr": {"x": 25, "y": 222, "size": 32, "caption": "扫码核验真伪", "caption_size": 9},
    "code": {"text": "核验码：{code}", "x": 25, "y": 264, "size": 9},
    "note": {
        "text": "本证明依据《志愿服务记录与证明出具办法（试行）》出具，仅记载经审核的志愿服务时长，"
                "免费出具。证明真伪以扫描二维码，或在核验页面输入证明编号和核验码查询的结果为准。",
        "x": 25, "y": 272, "width": 160, "size": 8.5, "leading": 5,
    },
}


def load_layout(path: str | None) -> dict:
    """The layout in force: the one above, its top-level keys replaced by those of the file."""
    layout = deepcopy(LAYOUT)
    if path:
        with open(path, encoding="utf-8") as handle:
            layout.update(json.load(handle))
    return layout
