"""What starting costs the first page after a restart: compiled templates kept on disk between
restarts, and the garbage collector settled once after starting (not on the first page)."""

from __future__ import annotations

import gc

from conftest import make_app


def test_a_serving_app_freezes_what_starting_built():
    # An earlier module's serving-like app (TESTING off) froze what lived then; some of it is
    # freed when a new app replaces a cache, which would lower the count: start from none.
    gc.unfreeze()
    frozen = gc.get_freeze_count()
    make_app()  # tests: off, so the suite's many apps can still be collected
    assert gc.get_freeze_count() == frozen
    try:
        make_app(ONEWINDOW_GC_FREEZE=True)
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_compiled_templates_are_kept_and_served_after_a_restart(tmp_path):
    folder = tmp_path / "templates"
    first = make_app(ONEWINDOW_TEMPLATE_CACHE=str(folder))
    assert first.test_client().get("/login/").status_code == 200
    assert any(folder.iterdir())
    restarted = make_app(ONEWINDOW_TEMPLATE_CACHE=str(folder))

    def compile_again(*args, **kwargs):
        raise AssertionError("a kept template was compiled again")

    restarted.jinja_env.compile = compile_again
    assert restarted.test_client().get("/login/").status_code == 200


def test_a_cache_folder_that_cannot_be_used_never_fails_a_page(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    app = make_app(ONEWINDOW_TEMPLATE_CACHE=str(not_a_folder))
    assert app.jinja_env.bytecode_cache is None
    assert app.test_client().get("/login/").status_code == 200

    gone = tmp_path / "gone"
    app = make_app(ONEWINDOW_TEMPLATE_CACHE=str(gone))
    gone.rmdir()  # removed while serving: the page is compiled in memory
    assert app.test_client().get("/login/").status_code == 200


def test_the_cache_can_be_turned_off():
    assert make_app(ONEWINDOW_TEMPLATE_CACHE="").jinja_env.bytecode_cache is None
