"""The shapes of a user's notices and channel choices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from volunteer.api.schemas.base import BaseSchema, JsonBoolean, PageArgsSchema, WholeNumber, enum, page_of
from volunteer.notifications.vocabulary import Channel, NoticeKind


class NoticeSchema(BaseSchema):
    id = WholeNumber()
    kind = enum(NoticeKind)
    title = fields.String(metadata={"description": "in the caller's language"})
    body = fields.String(metadata={"description": "in the caller's language"})
    url = fields.String(allow_none=True, metadata={"description": "the web page of the record it concerns"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


NoticePageSchema = page_of(NoticeSchema, "NoticePageSchema")


class NoticeListArgsSchema(PageArgsSchema):
    unread = fields.Boolean(load_default=False, metadata={"description": "only the unread ones (true)"})


# The API's names of the channels (API.md), beside the vocabulary's own.
API_CHANNELS = {Channel.INBOX: "in_app", Channel.MAIL: "email", Channel.SMS: Channel.SMS.value,
                Channel.PUSH: Channel.PUSH.value}
_INBOX_STAYS = _l("The inbox keeps every notice: it cannot be turned off.")


# One kind's channels, each on or off (the in-app inbox always on); every kind's.
ChannelSwitchesSchema = BaseSchema.from_dict({
    name: (JsonBoolean(validate=validate.Equal(True, error=_INBOX_STAYS)) if channel == Channel.INBOX else JsonBoolean())
    for channel, name in API_CHANNELS.items()}, name="ChannelSwitchesSchema")
KindSwitchesSchema = BaseSchema.from_dict({
    kind.value: fields.Nested(ChannelSwitchesSchema) for kind in NoticeKind}, name="KindSwitchesSchema")


class NotificationSettingsSchema(BaseSchema):
    channels = fields.Nested(KindSwitchesSchema, metadata={
        "description": "per kind of notice, whether each channel tells the caller; in_app is always true"})
    reachable = fields.Nested(ChannelSwitchesSchema, metadata={
        "description": "whether each channel can reach the caller at all: an e-mail address, an SMS provider and a phone, a browser subscribed to push"})


class NotificationSettingsInSchema(BaseSchema):
    channels = fields.Nested(KindSwitchesSchema, required=True, metadata={
        "description": "the kinds and channels to switch, in the shape of the answer; those left out keep their setting"})
