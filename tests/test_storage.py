"""The storage switch and the embedded store: persistence, threads, and two processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading

import mongoengine as me
import pytest

from console import storage


class Counter(me.Document):
    """A document two writers fight over."""

    name = me.StringField(required=True, unique=True)
    value = me.IntField(default=0)
    version = me.IntField(default=0)
    meta = {"collection": "test_counters"}


@pytest.fixture
def embedded(tmp_path):
    spec = storage.StorageSpec("embedded", str(tmp_path / "store"), "t")
    storage.connect(spec)
    Counter.ensure_indexes()
    yield spec
    storage.disconnect()


def test_resolve_picks_backend_from_uri(tmp_path):
    assert storage.resolve(None, str(tmp_path)).kind == "embedded"
    assert storage.resolve(None, str(tmp_path)).location == str(tmp_path / "store")
    spec = storage.resolve("mongodb://db1,db2/centres?replicaSet=rs0", str(tmp_path))
    assert (spec.kind, spec.database) == ("server", "centres")
    assert storage.resolve("mongodb+srv://cluster.example/", str(tmp_path)).database == "onewindow"
    assert storage.resolve("embedded:///srv/ow", str(tmp_path)).location == "/srv/ow"
    assert storage.resolve("memory://x", str(tmp_path)).kind == "memory"


@pytest.mark.parametrize("uri", ["postgres://x", "embedded://relative/dir", "sqlite:///a"])
def test_resolve_refuses_unknown_or_relative(uri, tmp_path):
    with pytest.raises(storage.StorageConfigError, match="ONEWINDOW_MONGODB_URI|absolute"):
        storage.resolve(uri, str(tmp_path))


def test_server_uri_gets_production_defaults(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(storage.mongoengine, "connect", lambda **kwargs: seen.update(kwargs))
    storage.connect(storage.resolve("mongodb://127.0.0.1:1/ow", str(tmp_path)))
    assert seen["w"] == "majority" and seen["retryWrites"] is True
    assert seen["serverSelectionTimeoutMS"] <= 5000


def test_embedded_documents_survive_reconnect(embedded):
    Counter(name="persisted", value=7).save()
    storage.disconnect()
    storage.connect(embedded)
    assert Counter.objects.get(name="persisted").value == 7


def test_embedded_unique_index_survives_reconnect(embedded):
    Counter(name="once").save()
    storage.disconnect()
    storage.connect(embedded)
    with pytest.raises(me.NotUniqueError):
        Counter(name="once").save()
    assert Counter.objects(name="once").count() == 1


def _guarded_increment(name: str) -> bool:
    """Optimistic update: succeeds only if nobody changed the document since it was read."""
    current = Counter.objects.get(name=name)
    updated = Counter.objects(id=current.id, version=current.version).update_one(
        inc__value=1, inc__version=1
    )
    return updated == 1


def test_embedded_store_serves_many_threads(embedded):
    Counter(name="shared").save()
    errors: list[BaseException] = []
    wins = [0] * 8

    def work(index: int) -> None:
        try:
            for step in range(25):
                Counter.objects(name="shared").update_one(inc__value=1)
                Counter(name=f"t{index}-{step}").save()
                if _guarded_increment("shared"):
                    wins[index] += 1
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    shared = Counter.objects.get(name="shared")
    # Every plain increment landed, and every guarded increment that reported success did.
    assert shared.value == 8 * 25 + sum(wins)
    assert shared.version == sum(wins)
    assert Counter.objects.count() == 1 + 8 * 25


WORKER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from console import storage
    from test_storage import Counter, _guarded_increment
    storage.connect(storage.StorageSpec("embedded", {folder!r}, "t"))
    wins = 0
    for step in range({steps}):
        Counter.objects(name="shared").update_one(inc__value=1)
        Counter(name="{tag}-%d" % step).save()
        wins += _guarded_increment("shared")
    print(wins)
    """
)


def test_two_processes_share_the_embedded_store(embedded, tmp_path):
    Counter(name="shared").save()
    steps = 40
    tests_dir = __file__.rsplit("/", 1)[0]
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER.format(
                tests=tests_dir, folder=embedded.location, steps=steps, tag=tag)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for tag in ("a", "b")
    ]
    wins = 0
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        wins += int(out.strip())
    # Each process sees the other's writes: nothing lost, no duplicate, counts add up.
    shared = Counter.objects.get(name="shared")
    assert shared.value == 2 * steps + wins
    assert shared.version == wins
    assert Counter.objects.count() == 1 + 2 * steps


REAL_MONGODB = os.environ.get("ONEWINDOW_TEST_MONGODB_URI")


@pytest.mark.skipif(not REAL_MONGODB, reason="set ONEWINDOW_TEST_MONGODB_URI to a MongoDB")
def test_real_mongodb_round_trip(tmp_path):
    spec = storage.resolve(REAL_MONGODB, str(tmp_path))
    storage.connect(spec)
    try:
        assert storage.ping()
        Counter.drop_collection()
        Counter.ensure_indexes()
        Counter(name="server").save()
        assert _guarded_increment("server")
        with pytest.raises(me.NotUniqueError):
            Counter(name="server").save()
        assert Counter.objects.get(name="server").version == 1
    finally:
        Counter.drop_collection()
        storage.disconnect()
