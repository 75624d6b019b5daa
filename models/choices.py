"""Fixed choice lists and constants shared by the configuration documents.

Values are stable English codes stored in the database; labels are translated per request.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CENTRE_LEVELS = [
    ("city", _l("City")),
    ("county", _l("County / district")),
    ("township", _l("Township / street")),
]

WEEKDAYS = [
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
]

AGENCY_KINDS = [
    ("market_regulation", _l("Market regulation")),
    ("public_security", _l("Public security")),
    ("tax", _l("Tax")),
    ("social_insurance", _l("Social insurance")),
    ("medical_insurance", _l("Medical insurance")),
    ("housing_fund", _l("Housing fund")),
    ("peoples_bank", _l("People's bank")),
    ("commercial_bank", _l("Commercial bank")),
    ("other", _l("Other")),
]

# The ten comprehensive window categories (综合受理窗口) of the seeds.
COMPREHENSIVE_KINDS = [
    ("enterprise_opening", _l("Enterprise opening")),
    ("commercial_registration", _l("Commercial registration")),
    ("construction_projects", _l("Construction projects")),
    ("real_estate", _l("Real-estate registration")),
    ("social_affairs", _l("Social affairs")),
    ("social_medical_insurance", _l("Social & medical insurance")),
    ("public_security", _l("Public security services")),
    ("housing_fund", _l("Housing fund services")),
    ("tax", _l("Tax services")),
    ("transport", _l("Transport")),
]
COMPREHENSIVE_CODES = frozenset(value for value, _label in COMPREHENSIVE_KINDS)

WINDOW_KINDS = COMPREHENSIVE_KINDS + [
    ("professional", _l("Professional window")),
    ("other_affairs", _l("Other affairs")),
    ("party_mass", _l("Party & mass organisations")),
]

STAFF_ROLES = [
    ("clerk", _l("Comprehensive clerk")),
    ("approver", _l("Back-office approver")),
    ("helper", _l("Helper")),
    ("supervisor", _l("Supervisor")),
]

SHIFTS = [
    ("morning", _l("Morning")),
    ("afternoon", _l("Afternoon")),
    ("full_day", _l("Full day")),
]
# Which half-days each shift occupies; two shifts overlap when these sets intersect.
SHIFT_HALVES = {
    "morning": frozenset({"morning"}),
    "afternoon": frozenset({"afternoon"}),
    "full_day": frozenset({"morning", "afternoon"}),
}

LIMIT_UNITS = [
    ("minutes", _l("Minutes")),
    ("working_hours", _l("Working hours")),
    ("working_days", _l("Working days")),
    ("natural_days", _l("Natural days")),
]
# Nominal working minutes per unit, used only to compare a promised limit with a statutory one:
# a working day is 8 working hours, a natural day 5/7 of a working day.
UNIT_WORKING_MINUTES = {
    "minutes": 1.0,
    "working_hours": 60.0,
    "working_days": 480.0,
    "natural_days": 480.0 * 5 / 7,
}

MATERIAL_FORMS = [
    ("original", _l("Original")),
    ("copy", _l("Copy")),
    ("original_and_copy", _l("Original and copy")),
]

MATERIAL_REQUIREMENTS = [
    ("required", _l("Required")),
    ("tolerated", _l("May be missing at acceptance (容缺)")),
    ("not_applicable", _l("Not applicable")),
]

# Catch-all wording the seeds forbid in a material list ("不得设置模糊条款").
VAGUE_PHRASES = ("其他材料", "其他相关材料", "相关材料", "有关材料", "其他需要", "其他要求")

CENTRE_CODE_REGEX = r"^[A-Z][A-Z0-9_]{1,15}$"
RECORD_CODE_REGEX = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$"
TIME_OF_DAY_REGEX = r"^([01]\d|2[0-3]):[0-5]\d$"


def label(choices: list[tuple], value: object) -> str:
    """The translated label of ``value`` in ``choices`` (the value itself when unknown)."""
    for code, text in choices:
        if code == value:
            return str(text)
    return "" if value is None else str(value)
