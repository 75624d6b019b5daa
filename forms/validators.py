"""Identifier checks (mobile phone, resident ID, unified social credit code) and masking helpers.

Each identifier comes three ways: a pure ``normalise_*`` function that returns the canonical
form or raises :class:`ValueError` with a translated message, a WTForms validator class that
normalises the field's data in place, and (in :mod:`models.fields`) a MongoEngine field.
"""

from __future__ import annotations

from collections.abc import Callable
import re

from flask_babel import lazy_gettext as _l
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc
from wtforms import Field, Form
from wtforms.validators import ValidationError

MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
# Separators people type inside a phone number: spaces (also full-width), dashes, dots, brackets.
PHONE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u3000.()（）]")
COUNTRY_PREFIXES = ("+86", "0086", "86")


def normalise_phone(value: str) -> str:
    """A mainland mobile number as 11 digits; accepts +86/0086, spaces and dashes."""
    text = PHONE_SEPARATORS.sub("", str(value or ""))
    for prefix in COUNTRY_PREFIXES:
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            text = text[len(prefix):]
            break
    if not text:
        raise ValueError(_l("Enter a mobile phone number."))
    if not MOBILE_PATTERN.match(text):
        raise ValueError(
            _l("%(value)s is not a mainland mobile number (11 digits starting 13–19).",
               value=value)
        )
    return text


def _stdnum_message(error: stdnum_errors.ValidationError, label: str, value: str) -> str:
    """One translated sentence for a python-stdnum failure."""
    if isinstance(error, stdnum_errors.InvalidLength):
        return _l("%(label)s %(value)s must have 18 characters.", label=label, value=value)
    if isinstance(error, stdnum_errors.InvalidChecksum):
        return _l("%(label)s %(value)s has a wrong check character; please re-check it.",
                  label=label, value=value)
    if isinstance(error, stdnum_errors.InvalidComponent):
        return _l("%(label)s %(value)s has an impossible region code or birth date.",
                  label=label, value=value)
    return _l("%(label)s %(value)s contains characters that are not allowed.",
              label=label, value=value)


def normalise_id_number(value: str) -> str:
    """A resident identity card number (GB 11643-1999), 18 characters, check digit upper-case."""
    text = str(value or "").strip()
    if not text:
        raise ValueError(_l("Enter a resident identity card number."))
    try:
        return ric.validate(text)
    except stdnum_errors.ValidationError as error:
        raise ValueError(_stdnum_message(error, str(_l("ID number")), text)) from error


def normalise_credit_code(value: str) -> str:
    """A unified social credit code (GB 32100-2015), 18 characters, upper-case."""
    text = str(value or "").strip()
    if not text:
        raise ValueError(_l("Enter a unified social credit code."))
    try:
        return uscc.validate(text)
    except stdnum_errors.ValidationError as error:
        raise ValueError(
            _stdnum_message(error, str(_l("Unified social credit code")), text)
        ) from error


def _mask(text: str, keep_start: int, keep_end: int) -> str:
    """Keep the first and last characters, star the middle (everything when too short)."""
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_phone(value: str | None) -> str:
    """``13812345678`` → ``138****5678`` ("phone 3+4", everywhere a phone is masked);
    unparseable input is masked the same way."""
    if not value:
        return ""
    try:
        text = normalise_phone(value)
    except ValueError:
        text = PHONE_SEPARATORS.sub("", str(value))
    return _mask(text, 3, 4)


def mask_id_number(value: str | None) -> str:
    """``410302199003071231`` → ``410302********1231``: the six-digit region code and the last
    four kept (the issue's "ID 6+4"), so a clerk can match it against the card without the
    birth date showing. Screens, documents, exports and the audit log all mask with this."""
    if not value:
        return ""
    return _mask(ric.compact(str(value)), 6, 4)


class _NormalisingValidator:
    """A WTForms validator that refuses bad input and rewrites good input canonically."""

    normalise: Callable[[str], str]

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if field.data in (None, ""):
            return  # emptiness is DataRequired's / Optional's business
        try:
            field.data = type(self).normalise(field.data)
        except ValueError as error:
            raise ValidationError(str(self.message or error)) from error


class MobilePhone(_NormalisingValidator):
    """WTForms validator: a mainland mobile number, stored as 11 digits."""

    normalise = staticmethod(normalise_phone)


class ResidentIdNumber(_NormalisingValidator):
    """WTForms validator: a resident identity card number."""

    normalise = staticmethod(normalise_id_number)


class CreditCode(_NormalisingValidator):
    """WTForms validator: a unified social credit code."""

    normalise = staticmethod(normalise_credit_code)
