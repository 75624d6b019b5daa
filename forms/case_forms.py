"""Forms of the case screens: opening a case, recording materials, and the lifecycle actions.

The forms only collect and check input; every change is made by :mod:`models.lifecycle`.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from forms.dates import DateInputWidget
from forms.validators import CreditCode, MobilePhone, ResidentIdNumber
from models import case as c
from models.results import CATALOGUE as RESULT_CATALOGUE


class ItemsField(SelectMultipleField):
    """Service items picked by code: a code not offered here (another centre's, a made-up one)
    is named in the page's language (WTForms' Chinese for its own message is marked fuzzy in
    its catalog, so it read in English)."""

    def pre_validate(self, form) -> None:
        offered = {choice[0] for choice in self.iter_choices()}
        unknown = [str(code) for code in self.data or () if code not in offered]
        if unknown:
            raise ValidationError(gettext("Unknown service item: %(codes)s",
                                          codes="、".join(unknown)))


class OpenCaseForm(FlaskForm):
    """Start a case at a window: items, mode, and the applicant."""

    window = SelectField(_l("Window"), validators=[DataRequired()])
    items = ItemsField(_l("Service items"), validators=[DataRequired()])
    mode = SelectField(_l("Mode"), choices=c.CASE_MODES, default=c.FULL_CHAIN)
    channel = SelectField(_l("Intake channel"), choices=c.CHANNELS, default="window")
    delivery_method = SelectField(_l("Results go"), choices=c.DELIVERY_METHODS,
                                  default="window")
    company_name = StringField(_l("Proposed company name"),
                               validators=[DataRequired(), Length(max=200)])
    legal_rep_name = StringField(_l("Legal representative"),
                                 validators=[DataRequired(), Length(max=50)])
    legal_rep_id = StringField(_l("Resident ID number"),
                               validators=[DataRequired(), ResidentIdNumber()])
    phone = StringField(_l("Contact phone"), validators=[DataRequired(), MobilePhone()])
    address = StringField(_l("Registered address"), validators=[DataRequired(), Length(max=300)])
    credit_code = StringField(_l("Unified social credit code (if already issued)"),
                              validators=[Optional(), CreditCode()])
    mail_address = StringField(_l("Mailing address (for mail delivery)"),
                               validators=[Optional(), Length(max=300)])

    def validate(self, extra_validators=None) -> bool:
        """The field checks, and a mailing address when results go by mail."""
        valid = super().validate(extra_validators)
        if self.delivery_method.data == "mail" and not (self.mail_address.data or "").strip():
            self.mail_address.errors = [*self.mail_address.errors,
                                        str(_l("Mail delivery needs a mailing address."))]
            return False
        return valid

    def applicant(self) -> dict:
        """The applicant fields, as the case document names them."""
        fields = ("company_name", "legal_rep_name", "legal_rep_id", "phone", "address",
                  "credit_code", "mail_address")
        return {name: getattr(self, name).data or None for name in fields}


class NoteForm(FlaskForm):
    """An action that takes an optional note (start review, resubmit, accept…)."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ReasonForm(FlaskForm):
    """An action that needs a reason (return, reject, withdraw, supplement…)."""

    note = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])


class MaterialForm(FlaskForm):
    """One material's state, posted from the checklist table."""

    name = StringField(validators=[DataRequired()])
    state = SelectField(_l("State"), choices=c.MATERIAL_STATES)
    promised_on = DateField(_l("Promised by"), validators=[Optional()], widget=DateInputWidget())


class ResultForm(FlaskForm):
    """An agency's results for its sub-task. The page shows only the fields its item declares
    (:mod:`models.results`); the lifecycle requires each of them and refuses any other."""

    licence_number = StringField(_l("Licence number"), validators=[Optional(), Length(max=64)])
    credit_code = StringField(_l("Unified social credit code"),
                              validators=[Optional(), CreditCode()])
    seals = StringField(_l("Seals (separated by 、 or commas)"),
                        validators=[Optional(), Length(max=200)])
    invoice_count = IntegerField(_l("Invoice count"),
                                 validators=[Optional(), NumberRange(min=0, max=10000)])
    ukey_serial = StringField(_l("Tax UKey serial"), validators=[Optional(), Length(max=64)])
    bank_name = StringField(_l("Bank"), validators=[Optional(), Length(max=100)])
    account_number = StringField(_l("Account number"), validators=[Optional(), Length(max=40)])
    registration_number = StringField(_l("Registration number"),
                                      validators=[Optional(), Length(max=64)])
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=1000)])

    def results(self) -> dict:
        """Only what was filled in (the lifecycle names what is missing)."""
        found = {}
        for name in RESULT_CATALOGUE:
            value = getattr(self, name).data
            if value not in (None, ""):
                found[name] = value.strip() if isinstance(value, str) else value
        if self.remarks.data and self.remarks.data.strip():
            found["remarks"] = self.remarks.data.strip()
        return found


class DeliverForm(FlaskForm):
    """Unified delivery: the gift pack comes from the sub-tasks' results; the clerk adds only
    what else went with it, and who collected it or the tracking number."""

    extra = StringField(_l("Also handed over (separated by 、)"),
                        validators=[Optional(), Length(max=500)])
    recipient = StringField(_l("Collected by"), validators=[Optional(), Length(max=50)])
    tracking_number = StringField(_l("Tracking number"), validators=[Optional(), Length(max=40)])


class CloseForm(FlaskForm):
    """Follow-up (回访) and the applicant's rating."""

    method = SelectField(_l("Follow-up by"), choices=c.FOLLOW_UP_METHODS)
    rating = SelectField(_l("Satisfaction"), choices=[(str(v), t) for v, t in c.RATINGS],
                         coerce=int)
    note = TextAreaField(_l("What the follow-up found"),
                         validators=[InputRequired(), Length(max=2000)])


class AddItemsForm(FlaskForm):
    """Partial chain: items added to the case later."""

    items = ItemsField(_l("Service items to add"), validators=[DataRequired()])
