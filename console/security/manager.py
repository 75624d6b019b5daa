"""``MongoSecurityManager``: Flask-AppBuilder's security manager with users, roles, groups,
permissions and API keys kept in MongoDB (``console.security.models``).

FAB 5 leaves the storage primitives of ``BaseSecurityManager`` unimplemented; this class fills
them in the way FAB's SQLAlchemy manager behaves (same return values, same "already exists"
answers, same signals), assigns document datamodels to FAB's security screens, and remembers the
permission checks of a request so a page with forty menu entries reads the database a handful of
times, not forty (see ``console.security.cache``).
"""

from __future__ import annotations

from collections.abc import Iterable
import datetime
import hashlib
import json
import logging
import secrets
import types
from typing import Any
import uuid

from bson import ObjectId
from bson.errors import InvalidId
from flask import current_app, g, has_app_context
from flask_appbuilder import const as c
from flask_appbuilder.security.events import SecurityModelChangeEvent
from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.signals import (
    group_created,
    group_creating,
    group_deleted,
    group_deleting,
    role_created,
    role_creating,
    role_deleted,
    role_deleting,
    role_updated,
    role_updating,
    user_created,
    user_creating,
    user_deleted,
    user_deleting,
    user_updated,
    user_updating,
)
import mongoengine
from mongoengine.errors import NotUniqueError, OperationError, ValidationError
import pymongo.errors
from werkzeug.security import check_password_hash, generate_password_hash

from console import clock
from console.passwords import enforce
from models.workdays import to_china

from . import cache, catalogue, views
from .models import (
    ApiKey,
    Group,
    Permission,
    PermissionView,
    RegisterUser,
    Role,
    User,
    ViewMenu,
)

log = logging.getLogger(__name__)

# A write the database refused (duplicate, invalid, delete denied): logged, reported as FAB does.
# A lost connection is not caught here: it reaches the "database unreachable" page.
WRITE_ERRORS = (NotUniqueError, ValidationError, OperationError)
DATABASE_DOWN = (pymongo.errors.ConnectionFailure, mongoengine.ConnectionFailure)


def as_object_id(value: Any) -> ObjectId | None:
    """An ObjectId from a document, an ObjectId or its 24-hex string; None for anything else."""
    if value is None:
        return None
    if isinstance(value, ObjectId):
        return value
    if isinstance(value, mongoengine.Document):
        return value.pk
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError):
        return None


def _now() -> datetime.datetime:
    return datetime.datetime.now()


class _Grants:
    """What a set of roles may do, read in four queries: the roles, their permission-views,
    and the permission and view-menu names."""

    def __init__(self, role_ids: frozenset[ObjectId]) -> None:
        self.permission_views: list[PermissionView] = []
        self.by_role: dict[ObjectId, list[PermissionView]] = {}
        self.pairs: set[tuple[str, str]] = set()
        if not role_ids:
            return
        granted: dict[ObjectId, list[ObjectId]] = {
            raw["_id"]: list(raw.get("permissions") or [])
            for raw in Role.objects(pk__in=list(role_ids)).only("permissions").as_pymongo()
        }
        wanted = {pv_id for pv_ids in granted.values() for pv_id in pv_ids}
        if not wanted:
            return
        by_id = {
            pv.pk: pv
            for pv in PermissionView.objects(pk__in=list(wanted)).select_related(max_depth=1)
            # A reference whose target is gone stays a DBRef: skip that half-deleted pair.
            if isinstance(pv.permission, Permission) and isinstance(pv.view_menu, ViewMenu)
        }
        self.permission_views = list(by_id.values())
        for role_id, pv_ids in granted.items():
            self.by_role[role_id] = [by_id[pv_id] for pv_id in pv_ids if pv_id in by_id]
        self.pairs = {(pv.permission.name, pv.view_menu.name) for pv in self.permission_views}

    def with_permission(self, permission_name: str) -> list[PermissionView]:
        return [pv for pv in self.permission_views if pv.permission.name == permission_name]


class MongoSecurityManager(BaseSecurityManager):
    """Authentication, the security screens and role/permission management on MongoDB."""

    user_model = User
    role_model = Role
    group_model = Group
    permission_model = Permission
    viewmenu_model = ViewMenu
    permissionview_model = PermissionView
    registeruser_model = RegisterUser
    api_key_model = ApiKey

    authdbview = views.AuthDBView
    userdbmodelview = views.UserDBModelView
    userldapmodelview = views.UserLDAPModelView
    useroauthmodelview = views.UserOAuthModelView
    userremoteusermodelview = views.UserRemoteUserModelView
    usersamlmodelview = views.UserSAMLModelView
    registerusermodelview = views.RegisterUserModelView
    rolemodelview = views.RoleModelView
    groupmodelview = views.UserGroupModelView
    permissionmodelview = views.PermissionModelView
    viewmenumodelview = views.ViewMenuModelView
    permissionviewmodelview = views.PermissionViewModelView
    # FAB's login-count charts load Google Charts from the internet: not registered (the
    # counts stay on each user's page).
    userstatschartview = None
    security_api = views.SecurityApi

    def __init__(self, appbuilder) -> None:
        # Before FAB's set-up, which already asks permission questions.
        self._catalogue_holder = catalogue.Holder()
        catalogue.connect_signals()
        views.quiet_missing_redirects()
        super().__init__(appbuilder)
        if current_app.config.get("FAB_ADD_SECURITY_API", False):
            raise RuntimeError(
                "FAB_ADD_SECURITY_API must stay False: FAB's security REST APIs are bound to "
                "SQLAlchemy and do not work with MongoSecurityManager."
            )
        self._bind_view_datamodels()
        self.create_db()

    def _bind_view_datamodels(self) -> None:
        """Give every security screen a document datamodel (FAB's SQL manager does the same
        with SQLAInterface). The screens are our subclasses, so FAB's classes stay untouched."""
        from console.datamodel.interface import MongoEngineInterface

        user_views = {
            c.AUTH_DB: self.userdbmodelview,
            c.AUTH_LDAP: self.userldapmodelview,
            c.AUTH_OAUTH: self.useroauthmodelview,
            c.AUTH_REMOTE_USER: self.userremoteusermodelview,
            c.AUTH_SAML: self.usersamlmodelview,
        }
        user_datamodel = MongoEngineInterface(self.user_model)
        if self.auth_type in user_views:
            user_views[self.auth_type].datamodel = user_datamodel
        if self.userstatschartview:
            self.userstatschartview.datamodel = user_datamodel
        if self.auth_user_registration:
            self.registerusermodelview.datamodel = MongoEngineInterface(self.registeruser_model)
        self.rolemodelview.datamodel = MongoEngineInterface(self.role_model)
        self.groupmodelview.datamodel = MongoEngineInterface(self.group_model)
        self.permissionmodelview.datamodel = MongoEngineInterface(self.permission_model)
        self.viewmenumodelview.datamodel = MongoEngineInterface(self.viewmenu_model)
        self.permissionviewmodelview.datamodel = MongoEngineInterface(self.permissionview_model)

    def create_db(self) -> None:
        """The built-in, admin and public roles (FAB's ``create_db``), unless
        ``FAB_CREATE_DB`` is False; a database that is down is logged, not fatal, so the
        console still starts and shows its "database unreachable" page."""
        if not current_app.config.get("FAB_CREATE_DB", True):
            return
        try:
            super().create_db()
        except DATABASE_DOWN as error:
            log.error(c.LOGMSG_ERR_SEC_CREATE_DB, error)

    # ------------------------------------------------------------------ signals

    def _emit(self, signal, model_type: str, action: str, model=None, changes=None) -> None:
        """Send FAB's security signal. There is no transaction to join, so the "-ing" signal
        is sent just before the write and the "-ed" one after it."""
        if not has_app_context() or not current_app.config.get(
            "FAB_SECURITY_SIGNALS_ENABLED", True
        ):
            return
        committed = action.endswith("ed")
        try:
            triggered_by = self.current_user
        except Exception:
            triggered_by = None
        event = SecurityModelChangeEvent(
            model_type=model_type,
            action=action,
            model_id=getattr(model, "pk", None),
            model=model,
            timestamp=datetime.datetime.utcnow(),
            changes=changes,
            triggered_by=triggered_by,
            is_committed=committed,
        )
        try:
            signal.send(self, event=event)
        except Exception:
            if not committed:
                raise
            log.exception("security signal handler failed after %s %s", model_type, action)

    # ------------------------------------------------------------ users

    def _hash_password(self, password: str) -> str:
        config = current_app.config
        return generate_password_hash(
            password=password,
            method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16),
        )

    def find_register_user(self, registration_hash: str) -> RegisterUser | None:
        if not registration_hash:
            return None
        return RegisterUser.objects(registration_hash=registration_hash).first()

    def add_register_user(
        self, username, first_name, last_name, email, password="", hashed_password=""
    ) -> RegisterUser | None:
        register_user = RegisterUser(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            password=hashed_password or self._hash_password(password),
            registration_hash=str(uuid.uuid4()),
        )
        try:
            return register_user.save()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_ADD_REGISTER_USER, error)
            return None

    def del_register_user(self, register_user: RegisterUser) -> bool:
        try:
            register_user.delete()
            return True
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_REGISTER_USER, error)
            return False

    def get_user_by_id(self, pk) -> User | None:
        object_id = as_object_id(pk)
        if object_id is None:
            return None
        # Every request loads its user: one read by id, no query set built around it.
        raw = User._get_collection().find_one({"_id": object_id})
        return User._from_son(raw) if raw is not None else None

    def load_user(self, pk) -> User | None:
        """Flask-Login's user loader: the session holds the ObjectId as a string."""
        user = self.get_user_by_id(pk)
        if user is not None and user.is_active:
            return user
        return None

    def find_user(self, username: str | None = None, email: str | None = None) -> User | None:
        if username:
            user = User.objects(username=username).first()
            if user is not None or not self.auth_username_ci:
                return user
            matches = list(User.objects(username__iexact=username).limit(2))
            if len(matches) > 1:
                log.error("Multiple results found for user %s", username)
                return None
            return matches[0] if matches else None
        if email:
            return User.objects(email=email).first()
        return None

    def get_all_users(self) -> list[User]:
        return list(User.objects.order_by("username"))

    def count_users(self) -> int:
        return User.objects.count()

    def get_first_user(self) -> User | None:
        return User.objects.order_by("pk").first()

    def noop_user_update(self, user: User) -> None:
        """A write of nothing, so a failed login for an unknown name costs what a real one
        costs (FAB's defence against telling existing names apart by timing)."""
        User.objects(pk=user.pk).update_one(set__login_count=user.login_count or 0)

    def add_user(
        self,
        username: str,
        first_name: str,
        last_name: str,
        email: str,
        role: Role | list[Role] | None = None,
        password: str = "",
        hashed_password: str = "",
        groups: list[Group] | None = None,
        centre: str | None = None,
        agency: str | None = None,
        **kwargs: Any,
    ) -> User | bool:
        """Create a user; False when the database refuses it (e.g. the name is taken)."""
        if role is None:
            roles = []
        elif isinstance(role, (list, tuple, set)):
            roles = [item for item in role if item is not None]
        else:
            roles = [role]
        if not hashed_password:
            if password:
                # Every way of creating a login (FAB's CLI included) meets the policy.
                enforce(password, [username])
            # No password (LDAP, OAuth…): a random one, so the account cannot sign in here.
            hashed_password = self._hash_password(password or secrets.token_urlsafe(32))
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            active=True,
            roles=roles,
            groups=list(groups or []),
            password=hashed_password,
            centre=centre,
            agency=agency,
        )
        try:
            self._emit(user_creating, "user", "creating", user)
            user.save()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_ADD_USER, error)
            return False
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_ADD_USER, username)
        self._emit(user_created, "user", "created", user)
        return user

    def update_user(self, user: User) -> bool | None:
        """Save a changed user: None when done, False when the database refuses it."""
        changes = {name: {"new": getattr(user, name, None)} for name in user._get_changed_fields()}
        if {"roles", "groups"} & changes.keys():
            user.changed_on = _now()
        try:
            self._emit(user_updating, "user", "updating", user, changes or None)
            user.save()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_UPD_USER, error)
            return False
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_UPD_USER, user)
        self._emit(user_updated, "user", "updated", user, changes or None)
        return None

    def update_user_auth_stat(self, user: User, success: bool = True) -> None:
        """Count a sign-in or a failed attempt with one atomic update, so two attempts at the
        same moment are both counted. Other unsaved changes (roles or groups synced from LDAP
        or OAuth at sign-in) are saved as FAB's ``update_user`` would."""
        pending = list(getattr(user, "_changed_fields", None) or [])
        if success:
            now = _now()
            User.objects(pk=user.pk).update_one(
                inc__login_count=1, set__fail_login_count=0, set__last_login=now
            )
            user.login_count = (user.login_count or 0) + 1
            user.fail_login_count = 0
            user.last_login = now
        else:
            User.objects(pk=user.pk).update_one(inc__fail_login_count=1)
            user.fail_login_count = (user.fail_login_count or 0) + 1
        # The counters are stored already: a later save() must not write them back.
        user._changed_fields = pending
        if pending:
            self.update_user(user)
        if success:
            self.on_user_login(user)
        else:
            self.on_user_login_failed(user)

    def auth_user_db(self, username, password):
        """FAB's password check, with every attempt (web form and API) in the audit log."""
        user = super().auth_user_db(username, password)
        from console.audit import log as audit_log

        known = user or (self.find_user(username=username) if username else None)
        audit_log.on_login(known, user is not None, str(username or ""))
        return user

    def reset_password(self, userid, password: str) -> bool:
        user = self.get_user_by_id(userid)
        if user is None:
            log.warning("Password reset for an unknown user id %s", userid)
            return False
        enforce(password, [user.username])
        user.password = self._hash_password(password)
        done = self.update_user(user) is None
        if done:
            from console.security.sessions import keep_own_session

            # Other sessions end (new stamp); the user changing their own password stays in.
            keep_own_session(user)
        return done

    def delete_user(self, user_or_id, commit: bool = True) -> bool:
        user = user_or_id if isinstance(user_or_id, User) else self.get_user_by_id(user_or_id)
        if user is None:
            log.warning("User not found for deletion")
            return False
        user_id = user.pk
        try:
            self._emit(user_deleting, "user", "deleting", user)
            user.delete()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_USER, error)
            return False
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_DEL_USER, user_id)
        self._emit(user_deleted, "user", "deleted", None)
        return True

    # ------------------------------------------------------------ roles and groups

    def find_role(self, name: str) -> Role | None:
        if not name:
            return None
        return Role.objects(name=name).first()

    def get_role_by_id(self, pk) -> Role | None:
        object_id = as_object_id(pk)
        return Role.objects(pk=object_id).first() if object_id else None

    def add_role(self, name: str, permissions: list[PermissionView] | None = None) -> Role | None:
        """The role called ``name``, created when missing (an existing one is returned as is)."""
        role = self.find_role(name)
        if role is not None:
            return role
        role = Role(name=name, permissions=[pv for pv in permissions or [] if pv is not None])
        try:
            self._emit(role_creating, "role", "creating", role)
            role.save()
        except NotUniqueError:
            # Another worker created it between our read and our write.
            return self.find_role(name)
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_ADD_ROLE, error)
            return None
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_ADD_ROLE, name)
        self._emit(role_created, "role", "created", role)
        return role

    def update_role(self, pk, name: str) -> Role | None:
        role = self.get_role_by_id(pk)
        if role is None:
            return None
        changes = {"name": {"old": role.name, "new": name}} if role.name != name else None
        role.name = name
        try:
            self._emit(role_updating, "role", "updating", role, changes)
            role.save()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_UPD_ROLE, error)
            return None
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_UPD_ROLE, role)
        self._emit(role_updated, "role", "updated", role, changes)
        return role

    def delete_role(self, role_or_id, commit: bool = True) -> bool:
        """Delete a role; users and groups holding it lose it (``PULL`` rules)."""
        role = role_or_id if isinstance(role_or_id, Role) else self.get_role_by_id(role_or_id)
        if role is None:
            log.warning("Role not found for deletion")
            return False
        role_id = role.pk
        try:
            self._emit(role_deleting, "role", "deleting", role)
            role.delete()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_ROLE, error)
            return False
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_DEL_ROLE, role_id)
        self._emit(role_deleted, "role", "deleted", None)
        return True

    def get_all_roles(self) -> list[Role]:
        return list(Role.objects.order_by("name"))

    def get_public_role(self) -> Role | None:
        def read() -> Role | None:
            catalogue = self._catalogue()
            role_id = catalogue.role_id_named(self.auth_role_public)
            return catalogue.role(role_id) if role_id is not None else None

        return cache.remember(("public-role",), read)

    def find_group(self, name: str) -> Group | None:
        if not name:
            return None
        return Group.objects(name=name).first()

    def get_all_groups(self) -> list[Group]:
        return list(Group.objects.order_by("name"))

    def add_group(
        self,
        name: str,
        label: str,
        description: str,
        roles: list[Role] | None = None,
        users: list[User] | None = None,
    ) -> Group | None:
        """The group called ``name``, created when missing; ``users`` become its members."""
        group = self.find_group(name)
        if group is not None:
            return group
        group = Group(name=name, label=label, description=description, roles=list(roles or []))
        if users:
            group.users = users
        try:
            self._emit(group_creating, "group", "creating", group)
            group.save()
        except NotUniqueError:
            return self.find_group(name)
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_ADD_GROUP, error)
            return None
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_ADD_GROUP, name)
        self._emit(group_created, "group", "created", group)
        return group

    def delete_group(self, group_or_id, commit: bool = True) -> bool:
        """Delete a group; its members lose it (``PULL`` rule)."""
        if isinstance(group_or_id, Group):
            group = group_or_id
        else:
            object_id = as_object_id(group_or_id)
            group = Group.objects(pk=object_id).first() if object_id else None
        if group is None:
            log.warning("Group not found for deletion")
            return False
        group_id = group.pk
        try:
            self._emit(group_deleting, "group", "deleting", group)
            group.delete()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_GROUP, error)
            return False
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_DEL_GROUP, group_id)
        self._emit(group_deleted, "group", "deleted", None)
        return True

    # ------------------------------------------------------------ permission checks

    def _grants(self, role_ids: Iterable) -> _Grants:
        key = frozenset(as_object_id(role_id) for role_id in role_ids) - {None}
        return cache.remember(("grants", key), lambda: _Grants(key))

    def _catalogue(self) -> catalogue.Catalogue:
        """Every role's grants, as of the stamp this request read (once)."""
        return cache.remember(("catalogue",), self._catalogue_holder.current)

    def _user_role_ids(self, user) -> list[ObjectId]:
        """The ids of the user's roles and of their groups' roles (the public role when signed
        out), from the user's stored references: the user document is read on every request,
        the roles come from the catalogue."""
        catalogue_now = self._catalogue()
        if not user.is_authenticated:
            public = catalogue_now.role_id_named(self.auth_role_public)
            return [public] if public is not None else []
        data = user._data
        return cache.remember(
            ("user-role-ids", user.pk),
            lambda: catalogue_now.role_ids_of(data.get("roles"), data.get("groups")),
        )

    def role_names(self, user, groups: bool = True) -> frozenset[str]:
        """The names of the user's roles; with ``groups``, also those their groups give."""
        catalogue_now = self._catalogue()
        if groups:
            ids = self._user_role_ids(user)
        elif user.is_authenticated:
            ids = catalogue_now.role_ids_of(user._data.get("roles"))
        else:
            ids = []
        return frozenset(filter(None, (catalogue_now.name_of(role_id) for role_id in ids)))

    def get_user_roles(self, user) -> list[Role]:
        """The user's roles and those of their groups (the public role when signed out),
        built from the catalogue once per request."""
        if not user.is_authenticated:
            public = self.get_public_role()
            return [public] if public is not None else []
        catalogue_now = self._catalogue()
        return cache.remember(
            ("user-roles", user.pk),
            lambda: [catalogue_now.role(role_id) for role_id in self._user_role_ids(user)],
        )

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        """FAB's check (built-in roles by their patterns, then the stored grants) on role ids
        and names from the catalogue: no role document is built for a question."""
        catalogue_now = self._catalogue()
        role_ids = self._user_role_ids(user)
        names = [(role_id, catalogue_now.name_of(role_id)) for role_id in role_ids]
        for _, name in names:
            if name in self.builtin_roles and self._has_access_builtin_roles(
                types.SimpleNamespace(name=name), permission_name, view_name
            ):
                return True
        stored = [role_id for role_id, name in names if name not in self.builtin_roles]
        return bool(stored) and (permission_name, view_name) in catalogue_now.pairs(stored)

    def _get_user_permission_view_menus(
        self, user, permission_name: str, view_menus_name: list[str]
    ) -> set[str]:
        """FAB's "which of these menus may the user see", from the catalogue."""
        catalogue_now = self._catalogue()
        if user is None:
            public = catalogue_now.role_id_named(self.auth_role_public)
            role_ids = [public] if public is not None else []
        else:
            role_ids = self._user_role_ids(user)
        names = [(role_id, catalogue_now.name_of(role_id)) for role_id in role_ids]
        result = {
            view_menu_name
            for _, name in names
            if name in self.builtin_roles
            for view_menu_name in view_menus_name
            if self._has_access_builtin_roles(
                types.SimpleNamespace(name=name), permission_name, view_menu_name)
        }
        stored = [role_id for role_id, name in names if name not in self.builtin_roles]
        result.update(view for permission, view in catalogue_now.pairs(stored)
                      if permission == permission_name)
        return result

    def _is_user_detached(self, user) -> bool:
        # Documents are never "detached" the way SQLAlchemy objects are.
        return False

    def is_item_public(self, permission_name: str, view_name: str) -> bool:
        catalogue_now = self._catalogue()
        public = catalogue_now.role_id_named(self.auth_role_public)
        if public is None:
            return False
        return (permission_name, view_name) in catalogue_now.pairs([public])

    def get_public_permissions(self) -> list[PermissionView]:
        public = self.get_public_role()
        if public is None:
            return []
        return self._grants([public.pk]).permission_views

    def exist_permission_on_roles(self, view_name: str, permission_name: str, role_ids) -> bool:
        return (permission_name, view_name) in self._catalogue().pairs(
            as_object_id(role_id) for role_id in role_ids)

    def find_roles_permission_view_menus(self, permission_name: str, role_ids):
        return self._grants(role_ids).with_permission(permission_name)

    def get_db_role_permissions(self, role_id) -> list[PermissionView]:
        grants = self._grants([role_id])
        return grants.by_role.get(as_object_id(role_id), [])

    def get_user_roles_permissions(self, user) -> dict[str, list[tuple[str, str]]]:
        """``{role name: [(permission, view), …]}`` for each role the user has."""
        if not user.roles and not user.groups:
            raise AttributeError("User object does not have roles or groups")
        result: dict[str, list[tuple[str, str]]] = {}
        db_roles = []
        for role in self.get_user_roles(user):
            result[role.name] = []
            if role.name in self.builtin_roles:
                result[role.name] = [(perm, view) for view, perm in self.builtin_roles[role.name]]
            else:
                db_roles.append(role)
        grants = self._grants(role.pk for role in db_roles)
        for role in db_roles:
            result[role.name] = [
                (pv.permission.name, pv.view_menu.name) for pv in grants.by_role.get(role.pk, [])
            ]
        return result

    # ------------------------------------------------------------ permissions

    def find_permission(self, name: str) -> Permission | None:
        if not name:
            return None
        return Permission.objects(name=name).first()

    def get_all_permissions(self) -> list[Permission]:
        return list(Permission.objects.order_by("name"))

    def add_permission(self, name: str) -> Permission | None:
        """The permission called ``name``, created when missing."""
        return self._find_or_create(Permission, name, c.LOGMSG_ERR_SEC_ADD_PERMISSION)

    def del_permission(self, name: str) -> bool:
        """Delete a permission no permission-view uses any more."""
        permission = self.find_permission(name)
        if permission is None:
            log.warning(c.LOGMSG_WAR_SEC_DEL_PERMISSION, name)
            return False
        in_use = list(PermissionView.objects(permission=permission))
        if in_use:
            log.warning(c.LOGMSG_WAR_SEC_DEL_PERM_PVM, permission, in_use)
            return False
        try:
            permission.delete()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_PERMISSION, error)
            return False
        cache.forget()
        return True

    @staticmethod
    def _find_or_create(document_class, name: str, error_message: str):
        if not name:
            return None
        found = document_class.objects(name=name).first()
        if found is not None:
            return found
        try:
            created = document_class(name=name).save()
        except NotUniqueError:
            return document_class.objects(name=name).first()
        except WRITE_ERRORS as error:
            log.error(error_message, error)
            return None
        cache.forget()
        return created

    # ------------------------------------------------------------ view menus

    def find_view_menu(self, name: str) -> ViewMenu | None:
        if not name:
            return None
        return ViewMenu.objects(name=name).first()

    def get_all_view_menu(self) -> list[ViewMenu]:
        return list(ViewMenu.objects.order_by("name"))

    def add_view_menu(self, name: str) -> ViewMenu | None:
        """The view-menu called ``name``, created when missing."""
        return self._find_or_create(ViewMenu, name, c.LOGMSG_ERR_SEC_ADD_VIEWMENU)

    def del_view_menu(self, name: str) -> bool:
        """Delete a view-menu no permission-view uses any more."""
        view_menu = self.find_view_menu(name)
        if view_menu is None:
            log.warning(c.LOGMSG_WAR_SEC_DEL_VIEWMENU, name)
            return False
        in_use = list(PermissionView.objects(view_menu=view_menu))
        if in_use:
            log.warning(c.LOGMSG_WAR_SEC_DEL_VIEWMENU_PVM, view_menu, in_use)
            return False
        try:
            view_menu.delete()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_PERMISSION, error)
            return False
        cache.forget()
        return True

    # ------------------------------------------------------------ permission-views

    def find_permission_view_menu(
        self, permission_name: str, view_menu_name: str
    ) -> PermissionView | None:
        permission = self.find_permission(permission_name)
        view_menu = self.find_view_menu(view_menu_name)
        if permission is None or view_menu is None:
            return None
        return PermissionView.objects(permission=permission, view_menu=view_menu).first()

    def find_permissions_view_menu(self, view_menu: ViewMenu) -> list[PermissionView]:
        if view_menu is None:
            return []
        return list(PermissionView.objects(view_menu=view_menu).select_related(max_depth=1))

    def add_permission_view_menu(
        self, permission_name: str, view_menu_name: str
    ) -> PermissionView | None:
        """``permission_name`` on ``view_menu_name``, created (with both halves) when missing."""
        if not (permission_name and view_menu_name):
            return None
        existing = self.find_permission_view_menu(permission_name, view_menu_name)
        if existing is not None:
            return existing
        view_menu = self.add_view_menu(view_menu_name)
        permission = self.add_permission(permission_name)
        if view_menu is None or permission is None:
            return None
        try:
            pv = PermissionView(permission=permission, view_menu=view_menu).save()
        except NotUniqueError:
            return PermissionView.objects(permission=permission, view_menu=view_menu).first()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_ADD_PERMVIEW, error)
            return None
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_ADD_PERMVIEW, pv)
        return pv

    def del_permission_view_menu(
        self, permission_name: str, view_menu_name: str, cascade: bool = True
    ) -> None:
        """Delete a permission-view no role holds; with ``cascade``, also its permission when
        nothing else uses it."""
        if not (permission_name and view_menu_name):
            return
        pv = self.find_permission_view_menu(permission_name, view_menu_name)
        if pv is None:
            return
        holder = Role.objects(permissions=pv).first()
        if holder is not None:
            log.warning(c.LOGMSG_WAR_SEC_DEL_PERMVIEW, view_menu_name, permission_name, holder)
            return
        permission = pv.permission
        try:
            pv.delete()
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_PERMVIEW, error)
            return
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_DEL_PERMVIEW, permission_name, view_menu_name)
        if cascade and not PermissionView.objects(permission=permission).first():
            self.del_permission(permission.name)

    def exist_permission_on_views(self, lst, item: str) -> bool:
        return any(pv.permission is not None and pv.permission.name == item for pv in lst)

    def exist_permission_on_view(self, lst, permission: str, view_menu: str) -> bool:
        return any(
            pv.permission.name == permission and pv.view_menu.name == view_menu for pv in lst
        )

    def add_permission_role(self, role: Role, perm_view: PermissionView) -> None:
        """Grant ``perm_view`` to ``role`` (an atomic ``$addToSet``)."""
        if role is None or perm_view is None or perm_view in role.permissions:
            return
        try:
            Role.objects(pk=role.pk).update_one(add_to_set__permissions=perm_view)
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_ADD_PERMROLE, error)
            return
        role.permissions.append(perm_view)
        role._clear_changed_fields()
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_ADD_PERMROLE, perm_view, role.name)

    def del_permission_role(self, role: Role, perm_view: PermissionView) -> None:
        """Withdraw ``perm_view`` from ``role`` (an atomic ``$pull``)."""
        if role is None or not isinstance(perm_view, PermissionView):
            return
        if perm_view not in role.permissions:
            return
        try:
            Role.objects(pk=role.pk).update_one(pull__permissions=perm_view)
        except WRITE_ERRORS as error:
            log.error(c.LOGMSG_ERR_SEC_DEL_PERMROLE, error)
            return
        role.permissions = [pv for pv in role.permissions if pv != perm_view]
        role._clear_changed_fields()
        cache.forget()
        log.info(c.LOGMSG_INF_SEC_DEL_PERMROLE, perm_view, role.name)

    def add_permissions_view(self, base_permissions, view_menu: str) -> None:
        """FAB's permission sync for one view, plus what FAB 5.3 misses: a permission the view
        dropped is first withdrawn from every role (FAB hands ``del_permission_role`` a
        Permission instead of the permission-view, so the grant stayed and blocked the delete)."""
        existing = self.find_view_menu(view_menu)
        if existing is not None:
            for pv in self.find_permissions_view_menu(existing):
                if pv.permission is not None and pv.permission.name not in base_permissions:
                    Role.objects(permissions=pv).update(pull__permissions=pv)
                    cache.forget()
        super().add_permissions_view(base_permissions, view_menu)

    # ------------------------------------------------------------ export / import

    def export_roles(self, path: str | None = None, indent: int | str | None = None) -> None:
        """Write every role and its permissions as FAB's JSON (``fab export-roles``)."""
        # Named at the screens' clock in China time, as every other file the console names.
        filename = path or f"roles_export_{to_china(clock.utcnow()):%Y%m%dT%H%M%S}.json"
        serialized = []
        for role in self.get_all_roles():
            grants = self._grants([role.pk]).by_role.get(role.pk, [])
            serialized.append(
                {
                    "name": role.name,
                    "permissions": [
                        {
                            "permission": {"name": pv.permission.name},
                            "view_menu": {"name": pv.view_menu.name},
                        }
                        for pv in grants
                    ],
                }
            )
        with open(filename, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(serialized, indent=indent, ensure_ascii=False))

    def import_roles(self, path: str) -> None:
        """Create the roles of an exported file and grant them its permissions (additive)."""
        with open(path, encoding="utf-8") as handle:
            roles = json.load(handle)
        for entry in roles:
            role = self.add_role(entry["name"])
            if role is None:
                continue
            for item in entry.get("permissions", []):
                pv = self.add_permission_view_menu(
                    item["permission"]["name"], item["view_menu"]["name"]
                )
                self.add_permission_role(role, pv)

    # ------------------------------------------------------------ API keys

    @staticmethod
    def _compute_lookup_hash(api_key_string: str) -> str:
        """A fast keyed hash to find a key by (the slow ``key_hash`` then proves it)."""
        salt = b"fab-api-key-lookup"
        if has_app_context() and current_app.config.get("SECRET_KEY"):
            salt = str(current_app.config["SECRET_KEY"]).encode("utf-8")
        return hashlib.scrypt(
            api_key_string.encode("utf-8"), salt=salt, n=2, r=1, p=1, dklen=32
        ).hex()

    def validate_api_key(self, api_key_string: str) -> User | None:
        if not api_key_string:
            return None
        api_key = ApiKey.objects(lookup_hash=self._compute_lookup_hash(api_key_string)).first()
        if api_key is None:
            return None
        if not check_password_hash(api_key.key_hash, api_key_string):
            log.warning("API key lookup hash matched but slow hash failed")
            return None
        if not api_key.is_active:
            log.warning("API key '%s' matched but is not active", api_key.name)
            return None
        user = api_key.user
        if user is None or not user.is_active:
            log.warning("API key '%s' user is not active", api_key.name)
            return None
        ApiKey.objects(pk=api_key.pk).update_one(set__last_used_on=_now())
        g.user = user
        g._api_key_user = True
        return user

    def create_api_key(
        self,
        user: User,
        name: str,
        scopes: str | None = None,
        expires_on: datetime.datetime | None = None,
    ) -> dict[str, Any] | None:
        """A new key for ``user``; the returned dict holds the key itself, shown only once."""
        config = current_app.config
        prefixes = config.get("FAB_API_KEY_PREFIXES", ["sst_"])
        prefix = prefixes[0] if prefixes else "sst_"
        raw_key = prefix + secrets.token_urlsafe(32)
        key_hash = generate_password_hash(
            raw_key,
            method=config.get(
                "FAB_API_KEY_HASH_METHOD", config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
            ),
            salt_length=config.get(
                "FAB_API_KEY_HASH_SALT_LENGTH", config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16)
            ),
        )
        api_key = ApiKey(
            uuid=str(uuid.uuid4()),
            name=name,
            key_hash=key_hash,
            lookup_hash=self._compute_lookup_hash(raw_key),
            key_prefix=prefix,
            user=user,
            scopes=scopes,
            active=True,
            expires_on=expires_on,
        )
        try:
            api_key.save()
        except WRITE_ERRORS as error:
            log.error("Error creating API key: %s", error)
            return None
        log.info("API key '%s' created for user '%s'", name, user.username)
        return {
            "uuid": api_key.uuid,
            "name": api_key.name,
            "key": raw_key,
            "key_prefix": api_key.key_prefix,
            "scopes": api_key.scopes,
            "created_on": api_key.created_on,
            "expires_on": api_key.expires_on,
        }

    def revoke_api_key(self, uuid: str) -> bool:
        api_key = self.get_api_key_by_uuid(uuid)
        if api_key is None:
            return False
        api_key.revoked_on = _now()
        try:
            api_key.save()
        except WRITE_ERRORS as error:
            log.error("Error revoking API key: %s", error)
            return False
        log.info("API key '%s' revoked", api_key.name)
        return True

    def find_api_keys_for_user(self, user_id) -> list[ApiKey]:
        object_id = as_object_id(user_id)
        if object_id is None:
            return []
        return list(ApiKey.objects(user=object_id).order_by("-created_on"))

    def get_api_key_by_uuid(self, uuid: str) -> ApiKey | None:
        if not uuid:
            return None
        return ApiKey.objects(uuid=uuid).first()
