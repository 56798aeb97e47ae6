"""The shapes of a user's notices and channel choices."""
from __future__ import annotations

from marshmallow import fields

from volunteer.api.schemas.base import BaseSchema, JsonBoolean, WholeNumber, enum, page_of
from volunteer.notifications.services.inbox import SWITCHABLE
from volunteer.notifications.vocabulary import NoticeKind


class NoticeSchema(BaseSchema):
    id = WholeNumber()
    kind = enum(NoticeKind)
    title = fields.String(metadata={"description": "in the caller's language"})
    text = fields.String(metadata={"description": "in the caller's language"})
    link = fields.String(allow_none=True, metadata={"description": "the web page of the record it concerns"})
    created_at = fields.DateTime()
    read = fields.Boolean()


NoticePageSchema = page_of(NoticeSchema, "NoticePageSchema")


class ChannelChoiceSchema(BaseSchema):
    kind = enum(NoticeKind, required=True)
    # the in-app inbox keeps every notice: only the others are switched
    channel = fields.String(required=True, metadata={"enum": [channel.value for channel in SWITCHABLE]})
    on = JsonBoolean(required=True)


class ChannelChoiceOutSchema(ChannelChoiceSchema):
    reachable = fields.Boolean(metadata={"description": "false without an e-mail address, or with no SMS provider"})


class NotificationSettingsSchema(BaseSchema):
    choices = fields.List(fields.Nested(ChannelChoiceOutSchema))


class NotificationSettingsInSchema(BaseSchema):
    choices = fields.List(fields.Nested(ChannelChoiceSchema), required=True, metadata={
        "description": "each kind and switchable channel wanted on or off; those left out keep their default"})
