"""The authorisation crawl: every role requests every registered URL rule, with ids of its own
centre, of another centre and garbage, by GET and POST. Nothing answers 500; a centre user's
request about another centre's record is refused (403/404, or the login page) and writes
nothing. Screens added later are crawled by themselves: the rules come from the URL map."""

from __future__ import annotations

import hashlib
import time

from conftest import client_for, csrf_token, module_demo_app
from flask import Flask
from flask.testing import FlaskClient
from mongoengine.connection import get_db
from tests_support import open_case_for

from console.datamodel.interface import MongoEngineInterface

# Garbage and unknown ids are tried by these roles only (enough to reach every code path).
GARBAGE_ROLES = {"anonymous", "ly_admin", "admin"}
ROLES = ["anonymous", "ly_admin", "ly_clerk", "ly_approver", "ly_complaints", "ly_supervisor",
         "mj_admin", "admin"]  # the super-administrator last: it may change what it reaches
SKIPPED = ("/logout/", "/static/", "/_datamodel/static/")
GARBAGE = "x'\"><svg"
# Collections that change on a refused request by design (counters, the audit trail).
VOLATILE = {"rate_limits", "audit_log", "ab_user"}
POST_DATA = {"name": "crawl", "code": "ZZ9", "centre": "MJ", "action": "x", "rowid": "",
             "username": "crawler", "password": "x", "note": "x"}


def fingerprint() -> str:
    db = get_db()
    digest = hashlib.sha256()
    for name in sorted(db.list_collection_names()):
        if name in VOLATILE:
            continue
        for document in db[name].find():
            digest.update(repr(document).encode())
    return digest.hexdigest()


def document_of(view) -> type | None:
    datamodel = getattr(view, "datamodel", None)
    if isinstance(datamodel, MongoEngineInterface):
        return datamodel.obj
    for value in vars(type(view)).values():
        if isinstance(value, MongoEngineInterface):
            return value.obj
    return None


def ids_for(document: type | None) -> dict[str, str]:
    """An id of the own centre (LY), of the other centre (MJ), and garbage."""
    ids = {"garbage": GARBAGE, "unknown": "0" * 24}
    if document is None:
        return ids
    fields = document._fields
    for label, centre in (("own", "LY"), ("other", "MJ")):
        if "centre" in fields:
            found = document.objects(centre=centre).first()
        elif document.__name__ == "ServiceCentre":
            found = document.objects(code=centre).first()
        elif "username" in fields:
            found = document.objects(username=f"{centre.lower()}_clerk").first()
        else:
            found = document.objects.first()
        if found is not None:
            ids[label] = str(found.pk)
    return ids


def rule_targets(app: Flask) -> list[tuple[str, str, dict[str, str], set[str]]]:
    """``(rule, endpoint, {label: url}, methods)`` for every crawlable rule."""
    views = {view.blueprint.name: view for view in app.appbuilder.baseviews
             if getattr(view, "blueprint", None) is not None}
    targets = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(SKIPPED) or rule.endpoint.endswith("static"):
            continue
        methods = rule.methods & {"GET", "POST", "PUT", "DELETE"}
        view = views.get(rule.endpoint.split(".")[0])
        ids = ids_for(document_of(view)) if "pk" in rule.arguments else {"plain": ""}
        urls = {}
        with app.test_request_context():
            for label, pk in ids.items():
                values = {arg: "x" for arg in rule.arguments}
                if "pk" in rule.arguments:
                    values["pk"] = pk
                if "name" in rule.arguments:
                    values["name"] = "delete"
                if "group_by" in rule.arguments:
                    values["group_by"] = "active"
                try:
                    urls[label] = app.url_for(rule.endpoint, **values)
                except Exception:  # a converter refusing garbage: that URL cannot be asked
                    continue
        if "plain" in urls and "GET" in methods and view is not None:
            # FAB's list arguments with garbage: page numbers, sizes, filter indexes, orders.
            name = type(view).__name__
            urls["arguments"] = urls["plain"] + (
                f"?_flt_9_name=x&_flt_0_nosuchcolumn=x&page_{name}=abc&psize_{name}=-1"
                f"&_oc_{name}=password&_od_{name}=sideways&_flt_0_date=notadate"
                f"&_flt_1_is_open=maybe&_flt_0_trained_on=2026-13-45"
            )
        targets.append((rule.rule, rule.endpoint, urls, methods))
    return targets


def _cases(app: Flask) -> None:
    open_case_for("LY")
    open_case_for("MJ")


# Not TESTING: an exception becomes the 500 a user would get, so the crawl lists them all.
app = module_demo_app(_cases, TESTING=False)


def refused(response, anonymous: bool) -> bool:
    if response.status_code in (400, 401, 403, 404, 405):
        return True
    return response.status_code == 302 and "/login" in (response.location or "")


def test_crawl_every_rule_as_every_role(app):
    started = time.monotonic()
    failures: list[str] = []
    requests = 0
    targets = rule_targets(app)
    state = None  # the database's fingerprint before the next POST
    assert len(targets) > 60
    for role in ROLES:
        client: FlaskClient = app.test_client() if role == "anonymous" else client_for(app, role)
        token = csrf_token(client, "/login/" if role == "anonymous" else "/resetmypassword/form")
        centre_user = role not in ("admin",)
        for rule, _endpoint, urls, methods in targets:
            for label, url in urls.items():
                if label in ("garbage", "unknown", "arguments") and role not in GARBAGE_ROLES:
                    continue
                for method in ("GET", "POST"):
                    if method not in methods:
                        continue
                    if method == "POST" and label == "own":
                        continue  # own records may really change: checked by screen tests
                    if method == "POST" and state is None:
                        state = fingerprint()
                    if method == "POST":
                        data = dict(POST_DATA, csrf_token=token)
                        if url.startswith("/api/"):
                            response = client.post(url, json=POST_DATA)
                        else:
                            response = client.post(url, data=data)
                    else:
                        response = client.get(url)
                    requests += 1
                    where = f"{role} {method} {url} ({rule})"
                    if response.status_code >= 500:
                        failures.append(f"{where}: {response.status_code}")
                        continue
                    other = label == "other" and centre_user and role != "mj_admin"
                    if other and not refused(response, role == "anonymous"):
                        failures.append(f"{where}: another centre's record answered "
                                        f"{response.status_code}")
                    if method == "POST":
                        after = fingerprint()
                        if refused(response, role == "anonymous") and after != state:
                            failures.append(f"{where}: refused but wrote")
                        state = after
    elapsed = time.monotonic() - started
    print(f"crawl: {requests} requests in {elapsed:.1f} s")
    assert not failures, "\n".join(failures[:60])
