"""The inbox on the web and in the API: the unread count in the menu, a notice opened is read and
leads to its record, all marked read; the channel choices in the API."""
from __future__ import annotations

import re

from tests.conftest import csrf_from
from tests.notifications.test_outbox import apply_and_accept
from volunteer.notifications.vocabulary import Channel, NoticeKind


def test_the_menu_counts_unread_and_a_notice_leads_to_its_record(app, world, position, signed_in):
    volunteer = signed_in(world.a_volunteer)
    assert 'data-testid="unread-count"' not in volunteer.get("/").get_data(as_text=True)
    apply_and_accept(app, world, position)
    home = volunteer.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="unread-count">1<', home)
    inbox = volunteer.get("/me/notifications/").get_data(as_text=True)
    assert "报名已被录用" in inbox and "陪伴老人" in inbox and "新" in inbox
    action = re.search(r'action="(/me/notifications/\d+)"', inbox).group(1)
    opened = volunteer.client.post(action, data={"csrf_token": csrf_from(inbox)})
    assert opened.status_code == 302 and opened.headers["Location"].endswith(f"/projects/{position.project_id}")
    assert 'data-testid="unread-count"' not in volunteer.get("/").get_data(as_text=True)
    # another person's notice is not theirs to open
    other = signed_in(world.b_volunteer)
    assert other.client.post(action, data={"csrf_token": csrf_from(other.get("/").get_data(as_text=True))}
                             ).status_code == 404


def test_all_marked_read_and_an_empty_inbox_says_so(app, world, position, signed_in):
    volunteer = signed_in(world.a_volunteer)
    assert 'data-testid="inbox-empty"' in volunteer.get("/me/notifications/").get_data(as_text=True)
    apply_and_accept(app, world, position)
    page = volunteer.get("/me/notifications/").get_data(as_text=True)
    done = volunteer.client.post("/me/notifications/read", data={"csrf_token": csrf_from(page)}, follow_redirects=True)
    assert "已将 1 条消息标为已读" in done.get_data(as_text=True)
    assert 'data-testid="unread-count"' not in done.get_data(as_text=True)


def test_the_api_lists_unread_first_marks_read_and_keeps_the_choices(app, world, position, client, api_token):
    headers = {"Authorization": f"Bearer {api_token(world.a_volunteer)}", "Accept-Language": "zh-CN"}
    apply_and_accept(app, world, position)
    listed = client.get("/api/v1/me/notifications", headers=headers)
    assert listed.status_code == 200
    [notice] = listed.json["items"]
    assert notice["kind"] == NoticeKind.APPLICATION_ACCEPTED and notice["read"] is False
    assert "陪伴老人" in notice["text"] and notice["link"] == f"/projects/{position.project_id}"
    read = client.post(f"/api/v1/me/notifications/{notice['id']}/read", headers=headers)
    assert read.status_code == 200 and read.json["read"] is True
    theirs = {"Authorization": f"Bearer {api_token(world.b_volunteer)}"}
    assert client.post(f"/api/v1/me/notifications/{notice['id']}/read", headers=theirs).status_code == 404
    settings = client.get("/api/v1/me/notification-settings", headers=headers).json["choices"]
    mail = {(c["kind"], c["channel"]): c["on"] for c in settings}
    assert mail[(NoticeKind.CERTIFICATE_ISSUED, Channel.MAIL)] is True
    changed = client.put("/api/v1/me/notification-settings", headers=headers, json={"choices": [
        {"kind": NoticeKind.CERTIFICATE_ISSUED, "channel": Channel.MAIL, "on": False}]})
    assert changed.status_code == 200
    after = {(c["kind"], c["channel"]): c["on"] for c in changed.json["choices"]}
    assert after[(NoticeKind.CERTIFICATE_ISSUED, Channel.MAIL)] is False
    assert after[(NoticeKind.CERTIFICATE_REVOKED, Channel.MAIL)] is True  # the others untouched
    refused = client.put("/api/v1/me/notification-settings", headers=headers, json={"choices": [
        {"kind": NoticeKind.CERTIFICATE_ISSUED, "channel": Channel.INBOX, "on": False}]})
    assert refused.status_code == 422


def test_the_personal_data_download_holds_the_notices_and_choices(app, world, position, signed_in):
    apply_and_accept(app, world, position)
    volunteer = signed_in(world.a_volunteer)
    data = volunteer.get("/me/export").get_json()
    [notice] = data["notices"]
    assert notice["kind"] == NoticeKind.APPLICATION_ACCEPTED and notice["words"]["position"] == "陪伴老人"
    assert data["notification_choices"] == []
