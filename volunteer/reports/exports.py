"""The dashboard's tables as rows of values: one definition each, which the page renders and
CSV and XLSX export, so a downloaded figure is the figure on the screen."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font

from volunteer.core import spreadsheet
from volunteer.projects.vocabulary import Category, ProjectState
from volunteer.reports.services import change
from volunteer.reports.vocabulary import Cell, Figure, ReportTable


@dataclass
class Column:
    label: object
    cell: Cell = Cell.COUNT


@dataclass
class Table:
    name: ReportTable
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)   # an organisation code per row, to go down to
    total: list | None = None                                # the parent's own figures, below the rows
    note: object = None
    row_cells: list[Cell] | None = None                      # where each row holds its own kind of value

    @property
    def title(self) -> str:
        return self.name.label

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def cell_at(self, row: int, column: Column) -> Cell:
        """How a value reads: the row's own kind, in a table of mixed rows, for its figure columns."""
        if self.row_cells and column.cell != Cell.TEXT and column.cell != Cell.CHANGE and row < len(self.row_cells):
            return self.row_cells[row]
        return column.cell


def formatted(value, cell: Cell) -> str:
    """A value as people read it: thousands separated, hours to one decimal, shares in per cent."""
    if value is None:
        return "—"
    if cell == Cell.HOURS and isinstance(value, int | float):
        return f"{value:,.1f}"
    if cell == Cell.COUNT and isinstance(value, int | float):
        return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    if cell == Cell.SHARE and isinstance(value, int | float):
        return f"{value * 100:.1f}%"
    if cell == Cell.CHANGE and isinstance(value, int | float):
        return f"{value * 100:+.1f}%"
    return str(value)


def _org(row) -> str:
    return row["organisation"].name


HEADLINE_FIGURES = (
    (Figure.REGISTERED_VOLUNTEERS, Cell.COUNT), (Figure.ACTIVE_VOLUNTEERS, Cell.COUNT),
    (Figure.PERSON_TIMES, Cell.COUNT), (Figure.APPROVED_HOURS, Cell.HOURS), (Figure.CHECKIN_HOURS, Cell.HOURS),
    (Figure.MANUAL_HOURS, Cell.HOURS), (Figure.PENDING_HOURS, Cell.HOURS), (Figure.STATIONS_ACTIVE, Cell.COUNT),
    (Figure.COVERAGE, Cell.SHARE),
)
# The child table's columns: a child's figures, in the headline's order.
CHILD_FIGURES = HEADLINE_FIGURES


def headline_table(board: dict) -> Table:
    now, before = board["figures"], board["previous"]
    table = Table(ReportTable.HEADLINE, [Column(_l("Figure"), Cell.TEXT), Column(_l("This period"), Cell.COUNT),
                                         Column(_l("A year before"), Cell.COUNT), Column(_l("Year on year"), Cell.CHANGE)])
    table.row_cells = [cell for _, cell in HEADLINE_FIGURES]
    for figure, _cell in HEADLINE_FIGURES:
        key = figure.value
        if figure == Figure.PENDING_HOURS:  # pending is now, not in a period: no year before
            table.rows.append([figure.label, now[key], None, None])
        else:
            table.rows.append([figure.label, now[key], before[key], change(now[key], before[key])])
    table.note = _l("Pending hours are what waits now, whatever the period.")
    return table


def children_table(board: dict) -> Table:
    columns = [Column(_l("Organisation"), Cell.TEXT)] + [Column(f.lazy_label, cell) for f, cell in CHILD_FIGURES]
    table = Table(ReportTable.CHILDREN, columns)
    for row in board["children"]:
        table.rows.append([_org(row)] + [row[f.value] for f, _ in CHILD_FIGURES])
        table.links.append(row["organisation"].code)
    own = board["own"]
    if any(own[f.value] for f, cell in CHILD_FIGURES if cell != Cell.SHARE):
        table.rows.append([_l("%(name)s itself", name=_org(own))] + [own[f.value] for f, _ in CHILD_FIGURES])
        table.links.append(None)
    table.total = [_l("Total")] + [board["figures"][f.value] for f, _ in CHILD_FIGURES]
    table.note = _l("Active volunteers and coverage are not summed: one volunteer may serve in several "
                    "organisations. Hours are rounded in each row and summed from minutes.")
    return table


def months_table(board: dict) -> Table:
    table = Table(ReportTable.MONTHS, [Column(_l("Month"), Cell.TEXT), Column(Figure.APPROVED_HOURS.lazy_label, Cell.HOURS),
                                       Column(Figure.PERSON_TIMES.lazy_label, Cell.COUNT),
                                       Column(Figure.ACTIVE_VOLUNTEERS.lazy_label, Cell.COUNT),
                                       Column(_l("Hours a year before"), Cell.HOURS)])
    before = board.get("previous_by_month") or [None] * len(board["by_month"])
    for row, earlier in zip(board["by_month"], before, strict=False):
        table.rows.append([row["month"], row["approved_hours"], row["person_times"], row["active_volunteers"],
                           earlier["approved_hours"] if earlier else None])
    return table


def categories_table(board: dict) -> Table:
    table = Table(ReportTable.CATEGORIES, [Column(_l("Category"), Cell.TEXT),
                                           Column(Figure.APPROVED_HOURS.lazy_label, Cell.HOURS),
                                           Column(Figure.PERSON_TIMES.lazy_label, Cell.COUNT),
                                           Column(_l("Projects"), Cell.COUNT)])
    counts = board["figures"]["projects_by_category"]
    served = {row["category"]: row for row in board["by_category"]}
    for category in Category:
        row = served.get(category.value)
        if row or counts.get(category.value):
            table.rows.append([category.label, row["approved_hours"] if row else 0, row["person_times"] if row else 0,
                               counts.get(category.value, 0)])
    return table


def states_table(board: dict) -> Table:
    counts = board["figures"]["projects_by_state"]
    table = Table(ReportTable.STATES, [Column(_l("State"), Cell.TEXT), Column(_l("Projects"), Cell.COUNT)])
    table.rows = [[state.label, counts[state.value]] for state in ProjectState if counts.get(state.value)]
    return table


def projects_table(board: dict) -> Table:
    table = Table(ReportTable.PROJECTS, [Column(_l("Project"), Cell.TEXT), Column(_l("Organisation"), Cell.TEXT),
                                         Column(Figure.APPROVED_HOURS.lazy_label, Cell.HOURS),
                                         Column(Figure.PERSON_TIMES.lazy_label, Cell.COUNT)])
    table.rows = [[row["project"].title, row["project"].organisation.name, row["approved_hours"], row["person_times"]]
                  for row in board["top_projects"]]
    return table


def stations_table(board: dict) -> Table:
    table = Table(ReportTable.STATIONS, [Column(_l("Station"), Cell.TEXT), Column(_l("Organisation"), Cell.TEXT),
                                         Column(Figure.APPROVED_HOURS.lazy_label, Cell.HOURS),
                                         Column(_l("Days with service"), Cell.COUNT)])
    table.rows = [[row["station"].name, row["station"].organisation.name, row["approved_hours"], row["active_days"]]
                  for row in board["top_stations"]]
    return table


def homes_table(board: dict) -> Table:
    table = Table(ReportTable.HOMES, [Column(_l("Home organisation"), Cell.TEXT),
                                      Column(Figure.APPROVED_HOURS.lazy_label, Cell.HOURS)])
    for row in board["by_home"]:
        table.rows.append([_org(row), row["approved_hours"]])
        table.links.append(row["organisation"].code)
    table.note = _l("The hours the volunteers of each organisation served, wherever they served them.")
    return table


def stars_table(board: dict) -> Table:
    table = Table(ReportTable.STARS, [Column(_l("Star level"), Cell.TEXT), Column(_l("Volunteers"), Cell.COUNT)])
    table.rows = [["★" * level, count] for level, count in board["star_levels"].items()]
    return table


BUILDERS = {
    ReportTable.HEADLINE: headline_table, ReportTable.CHILDREN: children_table, ReportTable.MONTHS: months_table,
    ReportTable.CATEGORIES: categories_table, ReportTable.STATES: states_table, ReportTable.PROJECTS: projects_table,
    ReportTable.STATIONS: stations_table, ReportTable.HOMES: homes_table, ReportTable.STARS: stars_table,
}


def tables_of(board: dict) -> dict[ReportTable, Table]:
    return {name: build(board) for name, build in BUILDERS.items()}


def _plain(value):
    return str(value) if value is not None and not isinstance(value, int | float | str) else value


def _all_rows(table: Table) -> list[list]:
    return [*table.rows, *([table.total] if table.total else [])]


def as_csv(table: Table, caption: str) -> bytes:
    """UTF-8 with a byte-order mark, so the spreadsheets people open it in read the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spreadsheet.cell(caption)])
    writer.writerow([str(c.label) for c in table.columns])
    for row in _all_rows(table):
        writer.writerow(["" if v is None else spreadsheet.cell(_plain(v)) for v in row])
    return (spreadsheet.CSV_BOM + out.getvalue()).encode("utf-8")


NUMBER_FORMATS = {Cell.HOURS: "#,##0.0", Cell.COUNT: "#,##0", Cell.SHARE: "0.0%", Cell.CHANGE: "+0.0%;-0.0%;0.0%"}


def as_xlsx(table: Table, caption: str) -> bytes:
    """One sheet: the caption, the headers, the rows with numbers kept as numbers."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.title[:31]
    sheet.append([spreadsheet.cell(caption)])
    sheet["A1"].font = Font(bold=True)
    sheet.append([str(c.label) for c in table.columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for number, row in enumerate(_all_rows(table)):
        sheet.append([spreadsheet.cell(_plain(v)) for v in row])
        for column, cell in zip(table.columns, sheet[sheet.max_row], strict=True):
            kind = table.cell_at(number, column)
            if kind in NUMBER_FORMATS and isinstance(cell.value, int | float):
                cell.number_format = NUMBER_FORMATS[kind]
    sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
