"""Staff members linked to a login not theirs to hold, found and unlinked by ``onewindow init``.

Before the staff screen checked it, a staff member could be given another centre's login or one
with no centre (the super-administrator's, a shared agency system's); every page then showed that
login's work under the staff member's name. The link is cleared (the staff member and the login
both stay) and each one cleared is named with the staff member's name masked."""

from __future__ import annotations

from dataclasses import dataclass
import logging

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClearedLink:
    """One staff member's link to a login of another centre (``None``: no centre), cleared."""

    staff_id: str
    centre: str
    masked_name: str
    login: str
    login_centre: str | None

    def __str__(self) -> str:
        owner = f"centre {self.login_centre}" if self.login_centre else "no centre"
        return (f"staff {self.staff_id} ({self.masked_name}, centre {self.centre}): "
                f"login {self.login!r} of {owner} unlinked")


def mask_name(name: str | None) -> str:
    """``王小明`` → ``王**``: the family name kept, enough to find the record by its id."""
    text = (name or "").strip()
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*"


def clear_foreign_logins() -> list[ClearedLink]:
    """Unlink every staff member whose login belongs to another centre or to none; a second run
    finds nothing. A link naming no login at all is left: the login may be created later."""
    from console.security.models import User
    from models.staff import StaffMember

    centres = {row["username"]: row.get("centre")
               for row in User.objects.only("username", "centre").as_pymongo()}
    cleared: list[ClearedLink] = []
    collection = StaffMember._get_collection()
    # Staff are a few hundred per centre; the sparse unique index on username serves the read.
    for row in collection.find({"username": {"$type": "string"}},
                               {"centre": 1, "name": 1, "username": 1}):
        login = row["username"]
        if login not in centres or centres[login] == row.get("centre"):
            continue
        # Guarded by the login read: a link changed in the meantime is not touched.
        if collection.update_one({"_id": row["_id"], "username": login},
                                 {"$unset": {"username": ""}}).modified_count:
            link = ClearedLink(str(row["_id"]), row.get("centre") or "",
                               mask_name(row.get("name")), login, centres[login])
            log.warning("init: %s", link)
            cleared.append(link)
    return cleared
