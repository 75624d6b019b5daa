"""Forms of the complaint, rating, rectification and review screens.

The forms only collect and check input; every change is made by :mod:`models.complaint_lifecycle`,
:mod:`models.rating` or :mod:`models.review`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms.dates import DateInputWidget
from forms.validators import MobilePhone
from models import complaint as m
from models.rating import RATINGS

NONE_CHOSEN = [("", "—")]


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class LogComplaintForm(FlaskForm):
    """A complaint as it is received: channel, complainant, subject, category, description."""

    channel = SelectField(_l("Channel"), choices=m.CHANNELS, default="window")
    # Typed as text, not the browser's own date-time box (drawn in the browser's locale).
    received_at = DateTimeField(_l("Received at (empty: now)"),
                                format=["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"],
                                validators=[Optional()],
                                render_kw={"placeholder": _l("YYYY-MM-DD HH:MM"),
                                           "autocomplete": "off"})
    anonymous = BooleanField(_l("Anonymous"))
    complainant_name = StringField(_l("Complainant"), validators=[Optional(), Length(max=50)])
    complainant_phone = StringField(_l("Complainant's phone"),
                                    validators=[Optional(), MobilePhone()])
    subject_kind = SelectField(_l("About"), choices=m.SUBJECT_KINDS, default=m.WINDOW)
    window = SelectField(_l("Window"), validators=[Optional()])
    staff = SelectField(_l("Staff member"), validators=[Optional()])
    case_number = StringField(_l("Case number"), validators=[Optional(), Length(max=40)])
    category = SelectField(_l("Category"), choices=m.CATEGORIES)
    description = TextAreaField(_l("Description"),
                                validators=[DataRequired(), Length(max=4000)])


class NoteForm(FlaskForm):
    """An action with an optional note (start investigating, start a rectification)."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class AssignForm(FlaskForm):
    """Give the complaint to a handler."""

    # The choices are the complaint centre's handlers (console.views.complaints.handler_choices):
    # a login typed by hand took anyone's, another centre's too.
    handler = SelectField(_l("Handler"), choices=[], validators=[DataRequired()])


class ResolveForm(FlaskForm):
    """The finding of the investigation (what is missing is refused by the lifecycle, with the
    same message as everywhere else)."""

    finding = TextAreaField(_l("Finding"), validators=[Optional(), Length(max=4000)])
    upheld = SelectField(_l("Upheld"), choices=[("", "—"), ("yes", _l("Yes")), ("no", _l("No"))],
                         validators=[Optional()])
    measures = TextAreaField(_l("Measures taken"), validators=[Optional(), Length(max=4000)])

    def upheld_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.upheld.data)


class CloseComplaintForm(FlaskForm):
    """The complainant informed of the outcome."""

    informed_via = SelectField(_l("Complainant informed by"),
                               choices=NONE_CHOSEN + m.INFORM_METHODS, validators=[Optional()])
    satisfaction = SelectField(_l("Complainant's satisfaction"),
                               choices=NONE_CHOSEN + [(str(v), t) for v, t in m.SATISFACTION],
                               coerce=_optional_int, validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class RejectForm(FlaskForm):
    """Rejecting a complaint needs a reason (refused by the lifecycle when missing)."""

    reason = TextAreaField(_l("Reason for rejection"), validators=[Optional(), Length(max=2000)])


class RatingForm(FlaskForm):
    """The applicant's rating of a delivered case."""

    score = SelectField(_l("Rating"), choices=[(str(v), t) for v, t in RATINGS], coerce=int)
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


class CloseRectificationForm(FlaskForm):
    """A rectification closes with the measures taken and the applicant called back."""

    measures = TextAreaField(_l("Measures taken"), validators=[Optional(), Length(max=4000)])
    callback_note = TextAreaField(_l("Applicant called back: what they said"),
                                  validators=[Optional(), Length(max=2000)])


class ReviewForm(FlaskForm):
    """The period of a review, its conclusion and the improvement measures."""

    start = DateField(_l("Start date"), validators=[DataRequired()], widget=DateInputWidget())
    end = DateField(_l("End date"), validators=[DataRequired()], widget=DateInputWidget())
    conclusion = TextAreaField(_l("Conclusion"), validators=[InputRequired(), Length(max=4000)])
    measures = TextAreaField(_l("Improvement measures"),
                             validators=[InputRequired(), Length(max=4000)])
