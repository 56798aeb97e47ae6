"""Forms parse and render; the rules live in accounts.services."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TelField
from wtforms.validators import InputRequired, Length

from volunteer.accounts.vocabulary import PoliticalStatus
from volunteer.core.forms import Form
from volunteer.organisations.vocabulary import Role


class LoginForm(Form):
    login = StringField(_l("Mobile number or e-mail"), validators=[InputRequired(_l("Please enter your mobile number or e-mail.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please enter your password.")), Length(max=128)])
    next = HiddenField()


class ForgotPasswordForm(Form):
    login = StringField(_l("Mobile number or e-mail"), validators=[InputRequired(_l("Please enter your mobile number or e-mail.")), Length(max=254)])


class ResetPasswordForm(Form):
    login = StringField(_l("Mobile number or e-mail"), validators=[InputRequired(_l("Please enter your mobile number or e-mail.")), Length(max=254)])
    code = StringField(_l("Code you received"), validators=[InputRequired(_l("Please enter the code you received.")), Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    new_password = PasswordField(_l("New password"), validators=[InputRequired(_l("Please enter a new password.")), Length(max=128)],
                                 description=_l("At least 8 characters, with letters and digits."),
                                 render_kw={"autocomplete": "new-password"})


class RegistrationForm(Form):
    name = StringField(_l("Real name"), validators=[Length(max=80)])
    phone = TelField(_l("Mobile number"), validators=[Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    id_number = StringField(_l("Resident ID number"), validators=[Length(max=30)])
    password = PasswordField(_l("Password"), validators=[Length(max=128)],
                             description=_l("At least 8 characters, with letters and digits."))
    organisation_code = SelectField(_l("Organisation"), choices=[], validate_choice=False)
    email = EmailField(_l("E-mail (optional)"), validators=[Length(max=254)])
    political_status = SelectField(_l("Political status (optional)"),
                                   choices=[("", "—")] + PoliticalStatus.choices(), validate_choice=False)
    school_or_employer = StringField(_l("School or employer (optional)"), validators=[Length(max=120)])
    skills = StringField(_l("Skills (optional)"), validators=[Length(max=400)])
    guardian_name = StringField(_l("Guardian's name"), validators=[Length(max=80)])
    guardian_phone = TelField(_l("Guardian's mobile number"), validators=[Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})
    guardian_consent = BooleanField(_l("My guardian consents to my registration"))
    guardian_sensitive_consent = BooleanField(
        _l("My guardian separately consents to the processing of my sensitive personal data (under 14)"))
    consent = BooleanField(_l("I have read and agree to the privacy notice"))
    consent_version = HiddenField()
    next = HiddenField()


class ProfileForm(Form):
    email = EmailField(_l("E-mail (optional)"), validators=[Length(max=254)])
    current_password = PasswordField(_l("Current password (to change the e-mail)"))
    political_status = SelectField(_l("Political status (optional)"),
                                   choices=[("", "—")] + PoliticalStatus.choices(), validate_choice=False)
    school_or_employer = StringField(_l("School or employer (optional)"), validators=[Length(max=120)])
    skills = StringField(_l("Skills (optional)"), validators=[Length(max=400)])


class PasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired(_l("Please enter your current password."))])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(_l("Please enter a new password."))],
                                 description=_l("At least 8 characters, with letters and digits."))


class CloseAccountForm(Form):
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Please enter your password."))])
    confirm = BooleanField(_l("I understand that my personal data will be erased and I can no longer sign in"),
                           validators=[InputRequired(_l("Please confirm."))])


class GrantRoleForm(Form):
    login = StringField(_l("Mobile number or e-mail of the person"), validators=[InputRequired(_l("Please enter a mobile number or e-mail.")), Length(max=254)])
    role = SelectField(_l("Role"), choices=Role.choices())


class ConfirmForm(Form):
    """A POST button: only the CSRF token."""
