"""The security documents: users, roles, groups and the permissions granted to roles, stored in
MongoDB in the ``ab_*`` collections Flask-AppBuilder uses for its SQL tables.

Relations are lists of references held on one side only, so two lists can never disagree:

* a role holds its permission-views (``Role.permissions``); ``PermissionView.roles`` is derived;
* a user holds its roles and groups (``User.roles``, ``User.groups``); ``Role.user`` and
  ``Group.users`` are derived by querying the users that point at them;
* a group holds its roles (``Group.roles``).

Deleting a document pulls it out of every list that refers to it (``PULL`` rules), so no
dangling reference survives a delete.
"""

from __future__ import annotations

import datetime

from flask import g, has_request_context
from mongoengine import (
    CASCADE,
    DENY,
    NULLIFY,
    PULL,
    BooleanField,
    DateTimeField,
    Document,
    IntField,
    ListField,
    ReferenceField,
    StringField,
)


def _now() -> datetime.datetime:
    # Naive local time, as Flask-AppBuilder writes it (it compares with datetime.now()).
    return datetime.datetime.now()


def current_user_or_none():
    """The signed-in user of the current request, if any (for created_by / changed_by)."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    try:
        if user is not None and user.is_authenticated:
            # g.user is usually Flask-Login's proxy: hand MongoEngine the document itself.
            return user._get_current_object() if hasattr(user, "_get_current_object") else user
    except Exception:  # an anonymous proxy, or a user deleted meanwhile
        return None
    return None


class Permission(Document):
    """A kind of access: ``can_list``, ``can_edit``, ``menu_access``…"""

    name = StringField(max_length=100, required=True, unique=True)

    meta = {"collection": "ab_permission", "indexes": []}

    def __str__(self) -> str:
        return self.name or ""

    __repr__ = __str__


class ViewMenu(Document):
    """Something permissions apply to: a view's permission name or a menu entry."""

    name = StringField(max_length=250, required=True, unique=True)

    meta = {"collection": "ab_view_menu", "indexes": []}

    def __str__(self) -> str:
        return self.name or ""

    __repr__ = __str__


class PermissionView(Document):
    """One permission on one view or menu: the unit a role is granted."""

    permission = ReferenceField(Permission, required=True, reverse_delete_rule=DENY)
    view_menu = ReferenceField(ViewMenu, required=True, reverse_delete_rule=DENY)

    meta = {
        "collection": "ab_permission_view",
        "indexes": [
            {"fields": ["permission", "view_menu"], "unique": True},
            "view_menu",
        ],
    }

    @property
    def roles(self) -> list[Role]:
        """The roles granted this permission (derived from ``Role.permissions``)."""
        return list(Role.objects(permissions=self))

    # FAB's SQLA model calls the backref ``role``.
    role = roles

    def __str__(self) -> str:
        permission = str(self.permission or "").replace("_", " ")
        return f"{permission} on {self.view_menu or ''}"

    __repr__ = __str__


class Role(Document):
    """A named set of permission-views."""

    name = StringField(max_length=64, required=True, unique=True)
    permissions = ListField(ReferenceField(PermissionView, reverse_delete_rule=PULL))

    meta = {"collection": "ab_role", "indexes": ["permissions"]}

    @property
    def user(self) -> list[User]:
        """The users holding this role directly (derived from ``User.roles``)."""
        return list(User.objects(roles=self))

    users = user

    @property
    def groups(self) -> list[Group]:
        """The groups granting this role (derived from ``Group.roles``)."""
        return list(Group.objects(roles=self))

    def __str__(self) -> str:
        return self.name or ""

    __repr__ = __str__


class Group(Document):
    """A set of roles given to every user who is a member; membership is kept on the user."""

    name = StringField(max_length=100, required=True, unique=True)
    label = StringField(max_length=150)
    description = StringField(max_length=512)
    roles = ListField(ReferenceField(Role, reverse_delete_rule=PULL))

    meta = {"collection": "ab_group", "indexes": ["roles"]}

    @property
    def users(self) -> list[User]:
        """The members (derived from ``User.groups``, the one place membership is stored)."""
        pending = getattr(self, "_pending_members", None)
        if pending is not None:
            return list(pending)
        if self.pk is None:
            return []
        return list(User.objects(groups=self))

    @users.setter
    def users(self, members) -> None:
        # Remembered until save(): membership is then written on the users themselves.
        self._pending_members = list(members or [])

    def save(self, *args, **kwargs):
        saved = super().save(*args, **kwargs)
        pending = getattr(self, "_pending_members", None)
        if pending is not None:
            self._write_members(pending)
            self._pending_members = None
        return saved

    def _write_members(self, members) -> None:
        member_ids = [member.pk for member in members]
        # Two atomic updates: add the group to the chosen users, pull it from everyone else.
        if member_ids:
            User.objects(pk__in=member_ids).update(add_to_set__groups=self)
        User.objects(groups=self, pk__nin=member_ids).update(pull__groups=self)

    def __str__(self) -> str:
        return self.name or ""

    __repr__ = __str__


# The last name stored when a login has none (Flask-AppBuilder requires one).
NO_LAST_NAME = "-"


class User(Document):
    """A person who signs in to the console.

    ``centre`` is the service-centre code the user works for, ``None`` for a super-administrator
    who sees every centre; ``agency`` is the back-office agency code, if any.
    """

    first_name = StringField(max_length=64, required=True)
    last_name = StringField(max_length=64, required=True)
    username = StringField(max_length=128, required=True, unique=True)
    password = StringField(max_length=256)
    active = BooleanField(default=True)
    email = StringField(max_length=320, required=True, unique=True)
    last_login = DateTimeField()
    login_count = IntField(default=0)
    fail_login_count = IntField(default=0)
    roles = ListField(ReferenceField(Role, reverse_delete_rule=PULL))
    groups = ListField(ReferenceField(Group, reverse_delete_rule=PULL))
    centre = StringField(max_length=64, null=True)
    agency = StringField(max_length=64, null=True)
    created_on = DateTimeField(default=_now)
    changed_on = DateTimeField(default=_now)
    created_by = ReferenceField("self", null=True)
    changed_by = ReferenceField("self", null=True)
    # Changed on logout, password change and deactivation: see console.security.sessions.
    session_stamp = StringField(max_length=64, null=True)

    meta = {
        "collection": "ab_user",
        "indexes": ["roles", "groups", ("centre", "agency")],
    }

    def clean(self) -> None:
        if self.pk is None and self.created_by is None:
            self.created_by = current_user_or_none()
        # An empty select box posts "": store no centre rather than an empty code.
        self.centre = self.centre or None
        self.agency = self.agency or None

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.pk)

    def get_full_name(self) -> str:
        """The name shown in the menu bar and lists: a Chinese name is held whole in
        ``first_name`` and logins made here store ``-`` as the last name (FAB requires one),
        which is not shown."""
        return " ".join(part for part in (self.first_name, self.last_name)
                        if part and part.strip() != NO_LAST_NAME)

    def __str__(self) -> str:
        return self.get_full_name()

    __repr__ = __str__


User.register_delete_rule(User, "created_by", NULLIFY)
User.register_delete_rule(User, "changed_by", NULLIFY)


class SecurityStamp(Document):
    """One document whose stamp changes after every write to the security data, so each worker
    knows when to read roles and permissions again (see ``console.security.catalogue``)."""

    id = StringField(primary_key=True)
    stamp = StringField(max_length=64)

    meta = {"collection": "ab_security_stamp", "indexes": []}


class RegisterUser(Document):
    """A self-registration waiting for its e-mail confirmation."""

    first_name = StringField(max_length=64, required=True)
    last_name = StringField(max_length=64, required=True)
    username = StringField(max_length=128, required=True, unique=True)
    password = StringField(max_length=256)
    email = StringField(max_length=320, required=True, unique=True)
    registration_date = DateTimeField(default=_now)
    registration_hash = StringField(max_length=256)

    meta = {"collection": "ab_register_user", "indexes": ["registration_hash"]}

    def __str__(self) -> str:
        return self.username or ""


class ApiKey(Document):
    """A long-lived key a program uses instead of a password (FAB 5's ``sst_…`` keys).

    Only hashes are stored: ``lookup_hash`` finds the key fast, ``key_hash`` proves it.
    """

    uuid = StringField(max_length=36, required=True, unique=True)
    name = StringField(max_length=256, required=True)
    key_hash = StringField(max_length=256, required=True)
    lookup_hash = StringField(max_length=256, unique=True, sparse=True)
    key_prefix = StringField(max_length=16, required=True)
    user = ReferenceField(User, required=True, reverse_delete_rule=CASCADE)
    scopes = StringField()
    active = BooleanField(default=True, required=True)
    created_on = DateTimeField(default=_now)
    expires_on = DateTimeField()
    revoked_on = DateTimeField()
    last_used_on = DateTimeField()

    meta = {"collection": "ab_api_key", "indexes": ["user", "key_prefix"]}

    @property
    def user_id(self):
        return self.user.pk if self.user else None

    @property
    def is_active(self) -> bool:
        if not self.active or self.revoked_on is not None:
            return False
        return self.expires_on is None or self.expires_on >= _now()

    def __str__(self) -> str:
        return f"ApiKey(name={self.name}, prefix={self.key_prefix})"

    __repr__ = __str__
