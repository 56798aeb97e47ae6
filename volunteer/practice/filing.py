"""The filing form (社会实践报备表) a student hands to their school before going (先报备、后开展):
an A4 PDF in Chinese with the programme, the student's school details and hometown, the post they
were placed on (or their ranked choices while they wait), and boxes for signatures and the
school's stamp. Made on request from the application as it stands; nothing is stored."""
from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from volunteer.core.pdf import cjk_font
from volunteer.core.time import local_date
from volunteer.practice.models import StudentApplication

WIDTH = A4[0] - 40 * mm


def _rows(application: StudentApplication) -> list[tuple[str, str]]:
    volunteer, programme = application.volunteer, application.programme
    rows = [(_("Student's name"), volunteer.display_name), (_("Gender"), volunteer.gender_label or "—"),
            (_("School"), application.school_name), (_("Student number"), application.student_number),
            (_("Major"), application.major), (_("Grade"), application.grade),
            (_("Mobile number"), volunteer.phone or "—"), (_("Hometown"), application.hometown.name),
            (_("Practice programme"), programme.name), (_("Run by"), programme.organisation.name),
            (_("Practice period"), f"{programme.practice_starts_on} – {programme.practice_ends_on}")]
    post = application.placed_post
    if post is not None:
        rows += [(_("Host unit"), post.unit.name), (_("Practice post"), f"{post.title}（{post.post_kind_label}）"),
                 (_("Place of work"), post.place_of_work), (_("Days at the post"), f"{post.starts_on} – {post.ends_on}"),
                 (_("Supervisor"), post.supervisor_name + (f" {post.supervisor_phone}" if post.supervisor_phone else ""))]
    else:
        for choice in application.choices:
            rows.append((_("choice %(rank)s", rank=choice.rank) if choice.rank else _("Practice post"),
                         f"{choice.post.title} · {choice.post.unit.name}（{choice.state_label}）"))
    return rows


def filing_pdf(application: StudentApplication, *, now: datetime) -> bytes:
    font = cjk_font()
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=17, leading=26, alignment=1, spaceAfter=6)
    small = ParagraphStyle("small", parent=base, fontSize=9, leading=13, textColor=colors.HexColor("#444444"))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=_("Filing form for returning-home practice"),
                            author=application.programme.organisation.name)
    table = Table([[Paragraph(escape(label), base), Paragraph(escape(str(value)), base)]
                   for label, value in _rows(application)], colWidths=[32 * mm, WIDTH - 32 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f4f6"))]))
    boxes = Table([[Paragraph(escape(_("Student's signature:")), base), Paragraph(escape(_("School's opinion (stamp):")), base)],
                   ["", ""], [Paragraph(escape(_("Date:")), base), Paragraph(escape(_("Date:")), base)]],
                  colWidths=[WIDTH / 2] * 2, rowHeights=[9 * mm, 22 * mm, 9 * mm])
    boxes.setStyle(TableStyle([("BOX", (0, 0), (0, -1), 0.5, colors.black), ("BOX", (1, 0), (1, -1), 0.5, colors.black)]))
    story = [Paragraph(escape(_("Filing form for returning-home practice")), title),
             Paragraph(escape(application.programme.name), ParagraphStyle("sub", parent=base, alignment=1)),
             Spacer(1, 6 * mm), table, Spacer(1, 6 * mm),
             Paragraph(escape(_("I will take part in the practice under the programme's rules and my school's, and "
                                "keep myself safe.")), base), Spacer(1, 4 * mm), boxes, Spacer(1, 6 * mm),
             Paragraph(escape(_("Made on %(day)s by the volunteer service system; the placement is as it stood then.",
                                day=local_date(now).isoformat())), small)]
    doc.build(story)
    return out.getvalue()
