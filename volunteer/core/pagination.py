"""One page of a query, the same for web pages and the API's list shape."""
from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa

from volunteer.extensions import db

DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # beyond any real list; keeps OFFSET within the database's integers


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp_page_args(page, per_page) -> tuple[int, int]:
    """Bad or out-of-range numbers fall back to the nearest sensible value instead of failing."""
    try:
        page = min(MAX_PAGE, max(1, int(page)))
    except (TypeError, ValueError):
        page = 1
    try:
        per_page = min(MAX_PER_PAGE, max(1, int(per_page)))
    except (TypeError, ValueError):
        per_page = DEFAULT_PER_PAGE
    return page, per_page


def paginate(stmt: sa.Select, page=1, per_page=DEFAULT_PER_PAGE) -> Page:
    page, per_page = clamp_page_args(page, per_page)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)
