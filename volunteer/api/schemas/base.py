"""What every shape of the API shares: unknown fields ignored, the error shape, pages, ids, text
without control characters, and closed sets documented as an ``enum`` from their vocabulary."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from volunteer.core import MAX_ID
from volunteer.core.edge import FORBIDDEN
from volunteer.core.vocabulary import Vocabulary

# What core.edge refuses in any text of a request (C0 controls), said as each text's pattern; a
# text that a service requires holds more than spaces besides.
_CONTROL = FORBIDDEN.pattern[1:-1]  # the character class without its brackets
ANY_TEXT = f"^[^{_CONTROL}]*$"
NOT_BLANK = f"^[^{_CONTROL}]*[^{_CONTROL}\\s][^{_CONTROL}]*$"


class WholeNumber(fields.Integer):
    """An integer field that refuses 1.5 (marshmallow's own would read it as 1); 2.0 and a query
    string's "3" are whole numbers still."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class JsonBoolean(fields.Boolean):
    """true or false as JSON has them: marshmallow's own takes 0, 1, "yes" and "on" too (0 is
    False to Python), which the document does not allow."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class Text(fields.String):
    """Text a client sends. The document gives its pattern: no control characters (refused at the
    edge), and with ``blank=False`` something besides spaces (the service requires it)."""

    def __init__(self, *, blank: bool = True, **kwargs):
        kwargs["metadata"] = {"pattern": ANY_TEXT if blank else NOT_BLANK, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)


def text_path_parameter(converter) -> dict:
    """A path's text segment (werkzeug's default converter), documented like Text."""
    return {"type": "string", "minLength": 1, "pattern": ANY_TEXT}


class BaseSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # clients may send fields of newer versions


def enum(vocabulary: type[Vocabulary], **options) -> fields.String:
    """A field taking one of a vocabulary's values, listed as the OpenAPI ``enum``. The service
    checks the value (with its own message); the document tells a client what it may send."""
    metadata = {"enum": list(vocabulary.values()), **options.pop("metadata", {})}
    return fields.String(metadata=metadata, **options)


def one_of(vocabulary: type[Vocabulary], error, **options) -> fields.String:
    """A filter or choice refused here, before any service, when it is not one of the values."""
    return fields.String(validate=validate.OneOf(vocabulary.values(), error=error),
                         metadata={"enum": list(vocabulary.values())}, **options)


class ErrorBodySchema(BaseSchema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class ErrorSchema(BaseSchema):
    error = fields.Nested(ErrorBodySchema, required=True)


class PageArgsSchema(BaseSchema):
    page = WholeNumber(load_default=1, validate=validate.Range(
        min=1, max=1_000_000, error=_l("Must be between 1 and 1,000,000.")))
    per_page = WholeNumber(load_default=20, validate=validate.Range(
        min=1, max=100, error=_l("Must be between 1 and 100.")))


def record_id(**options):
    """An id a column can hold: a bigger one would fail in the database rather than be refused."""
    return WholeNumber(validate=validate.Range(min=1, max=MAX_ID, error=_l("Unknown id.")), **options)


def max_length(n: int):
    return validate.Length(max=n, error=_l("At most %(n)s characters.", n=n))


def day_text(**options) -> fields.String:
    """A day kept as text (so the service says which one is wrong, in the caller's language),
    documented as a date: an empty one is no day."""
    return fields.String(validate=validate.Length(min=1, max=10, error=_l("Must be a date (YYYY-MM-DD).")),
                         metadata={"format": "date", **options.pop("metadata", {})}, **options)


class PageSchema(BaseSchema):
    """core.pagination.Page, dumped: ``items`` is declared by each list's page schema."""

    page = WholeNumber()
    per_page = WholeNumber()
    total = WholeNumber()


def page_of(item_schema: type[Schema], name: str) -> type[PageSchema]:
    """The page shape of a list of ``item_schema``."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema))})


class NamedRefSchema(BaseSchema):
    id = WholeNumber()
    name = fields.String()


class ProjectRefSchema(BaseSchema):
    id = WholeNumber()
    title = fields.String()
