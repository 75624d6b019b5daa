"""The results an agency records when its sub-task is done (营业执照号、印章、发票与UKey、账号…):
the catalogue an item picks its declared result fields from, their checks, and the delivery
checklist (大礼包) built from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from forms.validators import normalise_credit_code

TEXT, NUMBER, LIST, CREDIT_CODE, ACCOUNT = "text", "number", "list", "credit_code", "account"

# A bank account number's digits (the bank prints it in groups: spaces are kept as typed).
ACCOUNT_DIGITS = (8, 32)


@dataclass(frozen=True)
class ResultField:
    """One kind of result: stored under ``name`` on the sub-task."""

    name: str
    label: Any
    kind: str = TEXT
    max_length: int = 64


CATALOGUE: dict[str, ResultField] = {
    field.name: field
    for field in (
        ResultField("licence_number", _l("Licence number")),
        ResultField("credit_code", _l("Unified social credit code"), CREDIT_CODE, 18),
        ResultField("seals", _l("Seals"), LIST, 30),
        ResultField("invoice_count", _l("Invoice count"), NUMBER),
        ResultField("ukey_serial", _l("Tax UKey serial")),
        ResultField("bank_name", _l("Bank"), TEXT, 100),
        ResultField("account_number", _l("Account number"), ACCOUNT, 40),
        ResultField("registration_number", _l("Registration number")),
    )
}
RESULT_CHOICES = [(field.name, field.label) for field in CATALOGUE.values()]
# Free remarks may go with any result; they are never required.
REMARKS = "remarks"


def _plain(field: ResultField, value: Any) -> str:
    """A value given as text; anything else (a list, an object, true) would be stored as its
    Python spelling, so it is refused."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(gettext("%(label)s must be text.", label=field.label))
    return value.strip()


def _text(field: ResultField, value: Any) -> str:
    text = _plain(field, value)
    if len(text) > field.max_length:
        raise ValueError(gettext("%(label)s is longer than %(max)d characters.",
                                 label=field.label, max=field.max_length))
    return text


def _number(field: ResultField, value: Any) -> int | None:
    if value in (None, ""):
        return None
    # bool is an int to Python: true would count as 1.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(gettext("%(label)s must be a whole number.", label=field.label))
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise ValueError(gettext("%(label)s must be a whole number.", label=field.label)) from error
    if number < 0:
        raise ValueError(gettext("%(label)s cannot be negative.", label=field.label))
    return number


def _list(field: ResultField, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace(",", "、").replace("，", "、").split("、")
    elif value is not None and not isinstance(value, list | tuple):
        raise ValueError(gettext("%(label)s must be a list of names.", label=field.label))
    entries = [_text(field, entry) for entry in (value or [])]
    entries = [entry for entry in entries if entry]
    # A seal named twice is a typing slip, and would count as two seals handed over.
    twice = sorted({entry for entry in entries if entries.count(entry) > 1}, key=entries.index)
    if twice:
        raise ValueError(gettext("%(label)s names “%(names)s” more than once.",
                                 label=field.label, names="、".join(twice)))
    return entries


def _account(field: ResultField, value: Any) -> str:
    """An account number: digits, grouped by spaces as the bank prints it ("abc" or a
    five-digit number is a typing slip the applicant would only find at the bank)."""
    text = _text(field, value)
    digits = text.replace(" ", "")
    low, high = ACCOUNT_DIGITS
    if text and not (digits.isascii() and digits.isdigit() and low <= len(digits) <= high):
        raise ValueError(gettext("%(label)s must be %(low)d to %(high)d digits (spaces allowed).",
                                 label=field.label, low=low, high=high))
    return text


def _credit_code(field: ResultField, value: Any) -> str:
    text = _plain(field, value)
    return str(normalise_credit_code(text)) if text else ""


CLEANERS: dict[str, Callable[[ResultField, Any], Any]] = {
    TEXT: _text, NUMBER: _number, LIST: _list, CREDIT_CODE: _credit_code, ACCOUNT: _account,
}


def clean_results(declared: Iterable[str], given: Mapping[str, Any]) -> dict[str, Any]:
    """The declared results, checked and normalised; raises ValueError with every problem named.

    Every declared field is required; a field the item does not declare is refused (a bank
    sub-task records no invoice count)."""
    declared = list(declared)
    problems: list[str] = []
    undeclared = sorted(set(given) - set(declared) - {REMARKS})
    if undeclared:
        labels = [str(CATALOGUE[name].label) if name in CATALOGUE else name for name in undeclared]
        problems.append(gettext("This sub-task does not record %(names)s.",
                                names="、".join(labels)))
    cleaned: dict[str, Any] = {}
    for name in declared:
        field = CATALOGUE[name]
        try:
            value = CLEANERS[field.kind](field, given.get(name))
        except ValueError as error:
            problems.append(str(error))
            continue
        if value in (None, "", []):
            problems.append(gettext("%(label)s is required.", label=field.label))
        cleaned[name] = value
    if problems:
        raise ValueError("；".join(problems))
    remarks = given.get(REMARKS) or ""
    if not isinstance(remarks, str):
        raise ValueError(gettext("The remarks must be text."))
    remarks = remarks.strip()
    if remarks:
        cleaned[REMARKS] = remarks[:1000]
    return cleaned


def describe(task) -> str:
    """One line of the delivery checklist for a done sub-task: the item and its results."""
    parts = []
    for name in task.result_fields or []:
        value = getattr(task, name, None)
        if value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "、".join(value)
        parts.append(f"{CATALOGUE[name].label} {value}")
    return f"{task.item_name}：{'；'.join(parts)}" if parts else str(task.item_name)
