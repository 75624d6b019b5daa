"""MongoEngine string fields that normalise on assignment and check with forms.validators."""

from __future__ import annotations

from collections.abc import Callable

from mongoengine import StringField

from forms.validators import normalise_credit_code, normalise_id_number, normalise_phone


class NormalisedStringField(StringField):
    """A string stored in canonical form; bad input is kept as typed for ``validate`` to refuse."""

    normaliser: Callable[[str], str]

    def __set__(self, instance, value) -> None:
        if isinstance(value, str) and value:
            try:
                value = type(self).normaliser(value)
            except ValueError:
                pass  # left for validate() to refuse with its message
        super().__set__(instance, value)

    def validate(self, value) -> None:
        super().validate(value)
        try:
            type(self).normaliser(value)
        except ValueError as error:
            self.error(str(error))


class PhoneField(NormalisedStringField):
    """A mainland mobile number, stored as 11 digits."""

    normaliser = staticmethod(normalise_phone)


class IdNumberField(NormalisedStringField):
    """A resident identity card number, stored compact with an upper-case check character."""

    normaliser = staticmethod(normalise_id_number)


class CreditCodeField(NormalisedStringField):
    """A unified social credit code, stored compact and upper-case."""

    normaliser = staticmethod(normalise_credit_code)
