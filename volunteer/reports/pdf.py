"""The printable period report as an A4 PDF in Chinese: the organisation and period in the title,
the headline figures against the year before, the tables of the dashboard, and charts drawn with
reportlab's own graphics (a line of the months, bars of the categories and the children)."""
from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from flask_babel import format_date
from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from volunteer.core.pdf import cjk_font
from volunteer.core.time import DEFAULT_ZONE
from volunteer.reports.exports import Table as ReportTable
from volunteer.reports.exports import formatted
from volunteer.reports.vocabulary import Cell
from volunteer.reports.vocabulary import ReportTable as TableName

WIDTH = A4[0] - 36 * mm
ACCENT = colors.HexColor("#1d4ed8")


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {"base": base,
            "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, spaceAfter=4),
            "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=10.5, textColor=colors.HexColor("#444444")),
            "h2": ParagraphStyle("h2", parent=base, fontSize=12.5, leading=18, spaceBefore=10, spaceAfter=4,
                                 textColor=ACCENT),
            "note": ParagraphStyle("note", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#555555"))}


def _table(table: ReportTable, font: str, limit: int | None = None) -> Table:
    rows = table.rows[:limit] if limit else table.rows
    head = ParagraphStyle("head", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    data = [[Paragraph(str(c.label), head) for c in table.columns]]
    for number, row in enumerate([*rows, *([table.total] if table.total else [])]):
        data.append([formatted(v, table.cell_at(number, c)) if c.cell != Cell.TEXT else str(v)
                     for v, c in zip(row, table.columns, strict=True)])
    first = max(WIDTH * 0.28, WIDTH - (len(table.columns) - 1) * 22 * mm)
    rest = (WIDTH - first) / max(len(table.columns) - 1, 1)
    flow = Table(data, colWidths=[first] + [rest] * (len(table.columns) - 1), repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), font, 8.5), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
             ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f4f6")])]
    if table.total:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black))
    flow.setStyle(TableStyle(style))
    return flow


def _no_data(font: str, height: float) -> Drawing:
    drawing = Drawing(WIDTH, height)
    drawing.add(String(WIDTH / 2, height / 2, _("No data for this period"), fontName=font, fontSize=10,
                       textAnchor="middle", fillColor=colors.HexColor("#666666")))
    return drawing


def months_chart(table: ReportTable, font: str) -> Drawing:
    """Approved hours by month (and the year before, dashed)."""
    values = [row[1] or 0 for row in table.rows]
    before = [row[4] or 0 for row in table.rows]
    if not any(values) and not any(before):
        return _no_data(font, 40 * mm)
    drawing = Drawing(WIDTH, 62 * mm)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, WIDTH - 20 * mm, 48 * mm
    chart.data = [values, before]
    chart.categoryAxis.categoryNames = [row[0][2:] for row in table.rows]
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.lines[0].strokeColor, chart.lines[0].strokeWidth = ACCENT, 1.6
    chart.lines[1].strokeColor, chart.lines[1].strokeDashArray = colors.HexColor("#9ca3af"), (3, 2)
    drawing.add(chart)
    drawing.add(String(14 * mm, 59 * mm, _("Approved hours by month (dashed: a year before)"), fontName=font,
                       fontSize=8))
    return drawing


def bars_chart(labels: list[str], values: list[float], title: str, font: str) -> Drawing:
    if not any(values):
        return _no_data(font, 30 * mm)
    height = max(30 * mm, (len(values) * 7 + 16) * mm / 1.2)
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40 * mm, 6 * mm, WIDTH - 48 * mm, height - 14 * mm
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = [str(label) for label in reversed(labels)]  # reportlab takes no lazy text
    chart.categoryAxis.labels.fontName = chart.valueAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = ACCENT
    drawing.add(chart)
    drawing.add(String(0, height - 5 * mm, title, fontName=font, fontSize=8))
    return drawing


def render(board: dict, tables: dict, *, generated_at: datetime) -> bytes:
    font = cjk_font()
    styles = _styles(font)
    organisation, period = board["organisation"], board["period"]
    title = _("%(name)s volunteer service report", name=organisation.name)
    span = _("%(start)s to %(end)s", start=format_date(period.start, "long"), end=format_date(period.end, "long"))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=f"{title} {span}", author=organisation.name, invariant=1)
    # a Paragraph reads markup: the organisation's name is text, whatever it holds
    story = [Paragraph(escape(title), styles["title"]),
             Paragraph(_("Period: %(span)s, beside the same days a year before", span=span), styles["subtitle"]),
             Paragraph(_("Generated %(at)s", at=generated_at.astimezone(DEFAULT_ZONE).strftime("%Y-%m-%d %H:%M")),
                       styles["note"]), Spacer(0, 4 * mm)]
    story += [Paragraph(tables[TableName.HEADLINE].title, styles["h2"]), _table(tables[TableName.HEADLINE], font)]
    figures = board["figures"]
    extras = []
    if figures["hours_per_active_volunteer"] is not None:
        extras.append(_("%(h)s hours per active volunteer", h=f"{figures['hours_per_active_volunteer']:.1f}"))
    if figures["residents_per_volunteer"] is not None:
        extras.append(_("one registered volunteer in %(n)s residents", n=f"{figures['residents_per_volunteer']:.1f}"))
    if figures["grassroots"]:
        extras.append(_("%(c)s of %(n)s villages and communities with an active station",
                        c=figures["covered_grassroots"], n=figures["grassroots"]))
    if extras:
        story.append(Paragraph("；".join(extras) + "。", styles["base"]))
    story.append(Paragraph(str(tables[TableName.HEADLINE].note), styles["note"]))

    months = tables[TableName.MONTHS]
    story += [Paragraph(months.title, styles["h2"]), months_chart(months, font)]
    children = tables[TableName.CHILDREN]
    if children.rows:
        story += [Paragraph(children.title, styles["h2"]),
                  bars_chart([r[0] for r in children.rows], [r[4] or 0 for r in children.rows],
                             _("Approved hours"), font),
                  _table(children, font), Paragraph(str(children.note), styles["note"])]
    categories = tables[TableName.CATEGORIES]
    story += [Paragraph(categories.title, styles["h2"]),
              bars_chart([r[0] for r in categories.rows], [r[1] or 0 for r in categories.rows], _("Approved hours"),
                         font)]
    if categories.rows:
        story.append(_table(categories, font))
    for name in (TableName.PROJECTS, TableName.STATIONS):
        table = tables[name]
        story.append(KeepTogether([Paragraph(table.title, styles["h2"]),
                                   _table(table, font) if table.rows else Paragraph(_("None in this period."),
                                                                                    styles["base"])]))
    story.append(KeepTogether([Paragraph(tables[TableName.MONTHS].title, styles["h2"]), _table(months, font)]))
    doc.build(story)
    return out.getvalue()
