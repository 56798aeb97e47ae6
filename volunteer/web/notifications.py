"""A user's notices: the inbox (opening one marks it read and follows its link), the choice of
channels per kind, and for admins the deliveries that failed."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from volunteer.accounts.forms import ConfirmForm
from volunteer.core.pagination import paginate
from volunteer.core.time import utcnow
from volunteer.extensions import db
from volunteer.notifications import services
from volunteer.notifications.channels import vapid_public_key
from volunteer.notifications.vocabulary import Channel
from volunteer.web.helpers import safe_next

bp = Blueprint("notifications", __name__, url_prefix="/me/notifications")


@bp.route("/")
@login_required
def inbox():
    page = paginate(services.inbox_of(current_user), request.args.get("page", 1), 30)
    return render_template("notifications/inbox.html", page=page, form=ConfirmForm(),
                           texts={n.id: services.words_of(n)[1] for n in page.items})


@bp.route("/<int:notice_id>", methods=["POST"])
@login_required
def open_notice(notice_id: int):
    """Marked read, then to the record it concerns (or back to the inbox)."""
    form = ConfirmForm()
    notice = services.get_own_notice(current_user, notice_id)
    if form.validate_on_submit():
        services.mark_read(current_user, notice_id, now=utcnow())
        db.session.commit()
        return redirect(safe_next(notice.link, url_for("notifications.inbox")))
    return redirect(url_for("notifications.inbox"))


@bp.route("/read", methods=["POST"])
@login_required
def read_all():
    if ConfirmForm().validate_on_submit():
        count = services.mark_all_read(current_user, now=utcnow())
        db.session.commit()
        flash(_("%(n)s notices marked read.", n=count), "success")
    return redirect(url_for("notifications.inbox"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        wanted = {tuple(value.split(":", 1)) for value in request.form.getlist("on") if ":" in value}
        services.save_settings(current_user, wanted, now=utcnow())
        db.session.commit()
        flash(_("Your notification settings are saved."), "success")
        return redirect(url_for("notifications.settings"))
    return render_template("notifications/settings.html", form=form, rows=services.settings_of(current_user),
                           channels=[c for c in Channel if c in services.SWITCHABLE])


@bp.route("/failed")
@login_required
def failed():
    page = paginate(services.failed_in_scope(current_user), request.args.get("page", 1), 50)
    return render_template("notifications/failed.html", page=page)


@bp.app_context_processor
def _push_settings():
    """``push_settings()`` for the profile page: the key browsers subscribe with (None where push
    is not set up) and how many of the user's browsers are subscribed."""
    def settings():
        return {"key": vapid_public_key(), "browsers": services.subscription_count(current_user)}
    return {"push_settings": settings}


@bp.route("/push", methods=["POST"])
@login_required
def push_subscribe():
    """The profile page's script sends the browser's subscription here (JSON, with the CSRF
    token in its header); 204, or 422 with the reason."""
    services.subscribe(current_user, request.get_json(silent=True), now=utcnow())
    db.session.commit()
    return "", 204


@bp.route("/push/delete", methods=["POST"])
@login_required
def push_unsubscribe():
    """One browser's subscription ended (the script says which), or, from the form, every one."""
    body = request.get_json(silent=True)
    if body is None and not ConfirmForm().validate_on_submit():
        return redirect(url_for("accounts.profile"))
    count = services.unsubscribe(current_user, (body or {}).get("endpoint"), now=utcnow())
    db.session.commit()
    if body is not None:
        return "", 204
    flash(_("Push notifications are off on %(n)s browsers.", n=count), "success")
    return redirect(url_for("accounts.profile", _anchor="web-push"))
