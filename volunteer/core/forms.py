"""The base of every form: Flask-WTF's, with its CSRF input rendered without an id (a page of many
forms, the approval queue's one per entry, then names no id twice) and number fields that bring
up a phone's numeric keypad."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DecimalField, FloatField, IntegerField
from wtforms.csrf.core import CSRFTokenField


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def render_field(self, field, render_kw):
            if isinstance(field, CSRFTokenField):
                render_kw = {"id": False, **render_kw}
            elif isinstance(field, IntegerField):
                render_kw = {"inputmode": "numeric", **render_kw}
            elif isinstance(field, (DecimalField, FloatField)):
                render_kw = {"inputmode": "decimal", **render_kw}
            return super().render_field(field, render_kw)
