"""Phone, resident ID and credit-code checks: pure functions, WTForms validators, masking."""

from __future__ import annotations

import pytest
from stdnum.cn import ric
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField

from forms.validators import (
    CreditCode,
    MobilePhone,
    ResidentIdNumber,
    mask_id_number,
    mask_phone,
    normalise_credit_code,
    normalise_id_number,
    normalise_phone,
)

VALID_ID = "410302199003071231"
VALID_USCC = "91110000600037341L"


@pytest.mark.parametrize("raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678",
                                 "138-1234-5678", "86 13812345678", "（138）1234 5678"])
def test_phone_normalised(raw):
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "03796391723",
                                 "abc", "+1 138 1234 5678"])
def test_phone_refused_with_message(raw):
    with pytest.raises(ValueError, match="mobile"):
        normalise_phone(raw)


def test_empty_phone_refused():
    with pytest.raises(ValueError, match="Enter"):
        normalise_phone("  ")


def test_id_number_normalised_and_check_digit_upper_case():
    assert normalise_id_number(" 410302199003071231 ") == VALID_ID
    body = "11010519491231002"
    with_x = body + ric.calc_check_digit(body + "0")
    assert normalise_id_number(with_x.lower()) == with_x.upper()


@pytest.mark.parametrize(("raw", "reason"), [
    ("410302199003071232", "check character"),
    ("41030219900307123", "18 characters"),
    ("4103021990030712AB", "characters"),
])
def test_id_number_refused_with_message(raw, reason):
    with pytest.raises(ValueError, match=reason):
        normalise_id_number(raw)


def test_id_number_with_impossible_birth_date_refused():
    body = "41030219901307123"  # month 13
    with pytest.raises(ValueError, match="birth date"):
        normalise_id_number(body + ric.calc_check_digit(body + "0"))


def test_credit_code_normalised_and_refused():
    assert normalise_credit_code("91110000 6000373 41l") == VALID_USCC
    with pytest.raises(ValueError, match="check character"):
        normalise_credit_code("91110000600037341K")
    with pytest.raises(ValueError, match="18 characters"):
        normalise_credit_code("9111000060003734")


def test_masks():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "138****5678"
    assert mask_phone("") == ""
    assert mask_id_number(VALID_ID) == "410302********1231"
    assert mask_id_number(None) == ""
    assert mask_id_number("1234") == "****"


class ApplicantForm(Form):
    phone = StringField(validators=[MobilePhone()])
    id_number = StringField(validators=[ResidentIdNumber()])
    credit_code = StringField(validators=[CreditCode(message="统一社会信用代码有误")])


def test_wtforms_validators_normalise_valid_input():
    form = ApplicantForm(MultiDict({"phone": "+86 138 1234 5678", "id_number": VALID_ID,
                                    "credit_code": VALID_USCC.lower()}))
    assert form.validate(), form.errors
    assert form.phone.data == "13812345678"
    assert form.credit_code.data == VALID_USCC


def test_wtforms_validators_refuse_with_messages():
    form = ApplicantForm(MultiDict({"phone": "12345", "id_number": "410302199003071232",
                                    "credit_code": "91110000600037341K"}))
    assert not form.validate()
    assert "mobile" in form.errors["phone"][0]
    assert "check character" in form.errors["id_number"][0]
    assert form.errors["credit_code"] == ["统一社会信用代码有误"]


def test_wtforms_validators_leave_empty_input_to_required():
    form = ApplicantForm(MultiDict({}))
    assert form.validate()
