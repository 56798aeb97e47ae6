"""Forms parse and render; projects.services checks every rule."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField

from volunteer.core.forms import Form
from volunteer.projects.vocabulary import Category, Level, ResourceKind, ResourceStatus


class ProjectForm(Form):
    organisation_code = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    title = StringField(_l("Title"))
    category = SelectField(_l("Category"), choices=Category.choices(), validate_choice=False)
    level = SelectField(_l("Level"), choices=[("", "—")] + Level.choices(), validate_choice=False)
    description = TextAreaField(_l("Description"))
    starts_on = StringField(_l("Start date"), render_kw={"type": "date"})
    ends_on = StringField(_l("End date"), render_kw={"type": "date"})
    target_volunteers = StringField(_l("Target volunteers"), render_kw={"inputmode": "numeric"})
    target_hours = StringField(_l("Target service hours"), render_kw={"inputmode": "numeric"})
    target_beneficiaries = StringField(_l("Target beneficiaries"), render_kw={"inputmode": "numeric"})
    station_ids = SelectMultipleField(_l("Stations where it runs"), choices=[], validate_choice=False)
    roster_required = BooleanField(_l("Check-in only for accepted volunteers (roster)"))
    require_rotating_code = BooleanField(_l("Check-in only with the code on a station's screen (not a printed poster)"))
    shift_minutes = StringField(_l("Shift length in minutes (optional)"), render_kw={"inputmode": "numeric"})
    min_attendance_percent = StringField(_l("Minimum attendance in percent of the shift, for any credit (optional)"),
                                         render_kw={"inputmode": "numeric"})
    place = StringField(_l("Place (optional)"),
                        description=_l("Where volunteers go, if not (only) the stations above: an address or a meeting point."))
    contact_name = StringField(_l("Contact person (optional)"))
    contact_phone = StringField(_l("Contact phone (optional)"), render_kw={"type": "tel", "inputmode": "tel"},
                                description=_l("A work phone volunteers may call. Shown on the project's page to everyone."))

    def data_for_service(self) -> dict:
        return {name: self[name].data for name in (
            "title", "category", "level", "description", "starts_on", "ends_on", "target_volunteers",
            "target_hours", "target_beneficiaries", "roster_required", "require_rotating_code", "station_ids",
            "shift_minutes", "min_attendance_percent", "place", "contact_name", "contact_phone")}


class TransitionForm(Form):
    to = HiddenField()
    comment = StringField(_l("Comment"))


class ResourceForm(Form):
    kind = SelectField(_l("Kind"), choices=ResourceKind.choices(), validate_choice=False)
    status = SelectField(_l("Status"), choices=ResourceStatus.choices(), validate_choice=False)
    description = StringField(_l("What"))
    source = StringField(_l("Source (optional)"))
    amount = StringField(_l("Amount (optional)"), render_kw={"inputmode": "decimal"})
    unit = StringField(_l("Unit"), description=_l("e.g. yuan, boxes, people"))


class PositionForm(Form):
    title = StringField(_l("Position"))
    capacity = StringField(_l("Places"), render_kw={"inputmode": "numeric"})
    starts_at = StringField(_l("Starts (optional)"), render_kw={"type": "datetime-local"})
    ends_at = StringField(_l("Ends (optional)"), render_kw={"type": "datetime-local"})
    requirements = TextAreaField(_l("Requirements (optional)"))


class ApplyForm(Form):
    note = StringField(_l("A note for the manager (optional)"))


class DecisionForm(Form):
    decision = HiddenField()


class EvaluationForm(Form):
    beneficiaries_served = StringField(_l("People served"), render_kw={"inputmode": "numeric"})
    rating = SelectField(_l("Rating"), choices=[("", "—")] + [(str(n), "★" * n) for n in range(5, 0, -1)],
                         validate_choice=False)
    outcomes = TextAreaField(_l("Outcomes"))
    summary = TextAreaField(_l("Summary"))
    attachments = MultipleFileField(_l("Attachments (PDF, images, Word, Excel; up to 5 MB each)"))
