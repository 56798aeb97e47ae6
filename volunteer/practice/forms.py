"""Forms parse and render; practice.services checks every rule."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField

from volunteer.core.forms import Form
from volunteer.practice.vocabulary import (
    LOG_PHOTOS,
    MAX_CHOICES,
    PostKind,
    PracticeRating,
    QuestionKind,
    Season,
    UnitKind,
)

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class ProgrammeForm(Form):
    organisation = SelectField(_l("Run by"), choices=[], validate_choice=False)
    name = StringField(_l("Name of the programme"), render_kw={"maxlength": 120})
    season = SelectField(_l("Season"), choices=Season.choices(), validate_choice=False)
    applications_open_on = StringField(_l("Applications open"), render_kw={"type": "date"})
    applications_close_on = StringField(_l("Applications close"), render_kw={"type": "date"})
    practice_starts_on = StringField(_l("Practice starts"), render_kw={"type": "date"})
    practice_ends_on = StringField(_l("Practice ends"), render_kw={"type": "date"})
    areas = StringField(_l("Where units may offer posts (optional)"),
                        description=_l("Codes of organisations within it, separated by spaces; "
                                       "without any, the whole of the organisation."))
    rules = TextAreaField(_l("Rules (optional)"), render_kw={"rows": 4, "maxlength": 5000})


class UnitForm(Form):
    organisation = SelectField(_l("Registered under"), choices=[], validate_choice=False)
    name = StringField(_l("Name of the unit"), render_kw={"maxlength": 120})
    unit_kind = SelectField(_l("Kind of unit"), choices=UnitKind.choices(), validate_choice=False)
    address = StringField(_l("Address (optional)"), render_kw={"maxlength": 200})
    contact_name = StringField(_l("Contact person"), render_kw={"maxlength": 80})
    contact_phone = StringField(_l("Contact person's mobile number"),
                                description=_l("They sign in with it to offer the unit's posts."),
                                render_kw={"inputmode": "tel", "maxlength": 20})


class PostForm(Form):
    title = StringField(_l("Title of the post"), render_kw={"maxlength": 120})
    post_kind = SelectField(_l("Kind of post"), choices=PostKind.choices(), validate_choice=False)
    places = StringField(_l("Places"), render_kw={"inputmode": "numeric", "maxlength": 3})
    place_of_work = StringField(_l("Place of work"), render_kw={"maxlength": 200})
    starts_on = StringField(_l("First day at the post"), render_kw={"type": "date"})
    ends_on = StringField(_l("Last day at the post"), render_kw={"type": "date"})
    duties = TextAreaField(_l("Duties"), render_kw={"rows": 3, "maxlength": 2000})
    requirements = TextAreaField(_l("Requirements (optional)"), description=_l("A major, skills, a language…"),
                                 render_kw={"rows": 2, "maxlength": 2000})
    supervisor_name = StringField(_l("Supervisor"), render_kw={"maxlength": 80})
    supervisor_phone = StringField(_l("Supervisor's phone (optional)"), render_kw={"inputmode": "tel", "maxlength": 20})


class ReturnForm(Form):
    reason = StringField(_l("What the unit should change"), render_kw={"maxlength": 500})


class InterviewForm(Form):
    interview_at = StringField(_l("Interview time"), render_kw={"type": "datetime-local"})
    interview_place = StringField(_l("Interview place"), description=_l("An address, or the app and meeting number."),
                                  render_kw={"maxlength": 200})


class ApplicationForm(Form):
    school_name = StringField(_l("School"), render_kw={"maxlength": 120})
    student_number = StringField(_l("Student number"), render_kw={"maxlength": 40})
    major = StringField(_l("Major"), render_kw={"maxlength": 80})
    grade = StringField(_l("Grade"), description=_l("Such as 2025级 or 大二."), render_kw={"maxlength": 20})
    hometown = SelectField(_l("Hometown"), choices=[], validate_choice=False)
    choice_1 = SelectField(_l("First choice"), choices=[], validate_choice=False)
    choice_2 = SelectField(_l("Second choice (optional)"), choices=[], validate_choice=False)
    choice_3 = SelectField(_l("Third choice (optional)"), choices=[], validate_choice=False)
    guardian_consent = BooleanField(_l("I am under 18 and my guardian agrees to this practice"))

    def chosen(self) -> list[str]:
        return [getattr(self, f"choice_{rank}").data for rank in range(1, MAX_CHOICES + 1)]


class PlaceForm(Form):
    post = SelectField(_l("Practice post"), choices=[], validate_choice=False)


class CommitmentForm(Form):
    letter = TextAreaField(_l("Commitment letter"), description=_l("Each change is a new version: placed students "
                                                                "acknowledge it again."),
                         render_kw={"rows": 6, "maxlength": 5000})


class InsuranceForm(Form):
    insurance = StringField(_l("Insurance"), description=_l("The insurer and the policy number."),
                            render_kw={"maxlength": 200})
    proof = FileField(_l("A photo of the policy (optional)"), render_kw={"accept": PHOTO_TYPES})


class LogForm(Form):
    week_of = SelectField(_l("Week of"), choices=[], validate_choice=False)
    log_text = TextAreaField(_l("What I did this week"), render_kw={"rows": 6, "maxlength": 5000})
    photos = MultipleFileField(_l("Photos (optional, up to %(n)s)", n=LOG_PHOTOS), render_kw={"accept": PHOTO_TYPES})

    def uploads(self) -> list[bytes]:
        return [upload.read() for upload in (self.photos.data or []) if getattr(upload, "filename", None)]


class CommentForm(Form):
    comment = TextAreaField(_l("Supervisor's comment"), render_kw={"rows": 3, "maxlength": 2000})


class EvaluationForm(Form):
    rating = SelectField(_l("Rating"), choices=[("", "—")] + PracticeRating.choices(), validate_choice=False)
    days_present = StringField(_l("Days present"), render_kw={"inputmode": "numeric", "maxlength": 4})
    comments = TextAreaField(_l("The unit's comments"), description=_l("At most 300 characters: they are printed on the practice certificate."),
                             render_kw={"rows": 4, "maxlength": 300})


class SealForm(Form):
    seal = FileField(_l("The unit's seal (a PNG with a transparent background)"), render_kw={"accept": "image/png"})


class QuestionForm(Form):
    question_kind = SelectField(_l("Kind of question"), choices=QuestionKind.choices(), validate_choice=False)
    prompt = StringField(_l("Question"), render_kw={"maxlength": 300})
    options = TextAreaField(_l("Options (for a choice question), one per line"), render_kw={"rows": 4})
    required = BooleanField(_l("An answer is required"), default=True)


class TrainingForm(Form):
    station_id = SelectField(_l("Where the training is held"), choices=[], validate_choice=False)


class BranchForm(Form):
    name = StringField(_l("Name of the branch"), render_kw={"maxlength": 80, "placeholder": _l("such as 青山镇返家乡临时团支部")})


class BranchMembersForm(Form):
    application_ids = SelectMultipleField(_l("Students to put in it"), choices=[], validate_choice=False)
