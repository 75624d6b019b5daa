"""Console logins tied to a centre (and, for approvers, an agency): the checks FAB's own
``fab create-user`` knows nothing of, shared by the CLI and the demo loader."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from console import roles
from console.passwords import problems
from models.agency import Agency
from models.centre import ServiceCentre


class AccountError(ValueError):
    """A login that cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class NewLogin:
    username: str
    password: str
    email: str
    role: str
    centre: str | None = None
    agency: str | None = None
    first_name: str = ""
    last_name: str = ""


def _serves_every_centre(login: NewLogin) -> bool:
    """A shared agency's system (a bank's) may serve every centre: no centre, a shared agency."""
    return login.role == roles.AGENCY_SYSTEM and bool(login.agency) and bool(
        Agency.objects(code=login.agency, centre=None).only("id").first())


def check(login: NewLogin) -> None:
    """Refuse an unknown role, centre or agency, and combinations that make no sense."""
    if login.role not in roles.ALL_ROLES:
        raise AccountError(gettext("Unknown role %(role)s. Choose one of: %(roles)s",
                                   role=login.role, roles=", ".join(roles.ALL_ROLES)))
    if login.role == roles.ADMIN:
        if login.centre:
            raise AccountError(gettext("The super-administrator belongs to no centre."))
    elif not login.centre and not _serves_every_centre(login):
        raise AccountError(gettext("Role %(role)s needs a centre (--centre).", role=login.role))
    if login.centre and not ServiceCentre.objects(code=login.centre).only("id").first():
        raise AccountError(gettext("There is no service centre with code %(code)s.",
                                   code=login.centre))
    if login.role == roles.APPROVER and not login.agency:
        raise AccountError(gettext("A back-office approver needs an agency (--agency)."))
    if login.role == roles.AGENCY_SYSTEM and not login.agency:
        raise AccountError(gettext("An agency system account needs an agency (--agency)."))
    if login.agency:
        agency = Agency.objects(code=login.agency, centre__in=[login.centre, None]).first()
        if agency is None:
            raise AccountError(gettext("There is no agency with code %(code)s for centre "
                                       "%(centre)s.", code=login.agency, centre=login.centre))
    reasons = problems(login.password, [login.username]) if login.password else []
    if reasons:
        raise AccountError(" ".join(reasons))


def create_login(security, login: NewLogin):
    """Create the login after :func:`check`; refuses a username or email already taken."""
    check(login)
    if security.find_user(username=login.username):
        raise AccountError(gettext("The username %(name)s is taken.", name=login.username))
    if security.find_user(email=login.email):
        raise AccountError(gettext("The email %(email)s is taken.", email=login.email))
    role = security.find_role(login.role)
    if role is None:
        raise AccountError(gettext("Role %(role)s does not exist yet: run onewindow init.",
                                   role=login.role))
    user = security.add_user(
        username=login.username, first_name=login.first_name or login.username,
        last_name=login.last_name or "-", email=login.email, role=role,
        password=login.password, centre=login.centre, agency=login.agency,
    )
    if not user:
        raise AccountError(gettext("The login could not be saved."))
    return user
