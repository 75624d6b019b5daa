"""Settings precedence: defaults, instance file, ONEWINDOW_* environment, factory mapping."""

from __future__ import annotations

from conftest import make_app


def test_environment_sets_our_settings_by_full_name(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_RISK_THRESHOLDS", '{"person": 5, "address": 9}')
    monkeypatch.setenv("ONEWINDOW_MONGODB_TIMEOUT_MS", "1234")
    monkeypatch.setenv("ONEWINDOW_PERMANENT_SESSION_LIFETIME", "600")
    app = make_app()
    assert app.config["ONEWINDOW_RISK_THRESHOLDS"] == {"person": 5, "address": 9}
    assert app.config["ONEWINDOW_MONGODB_TIMEOUT_MS"] == 1234
    assert app.config["PERMANENT_SESSION_LIFETIME"] == 600
    assert "RISK_THRESHOLDS" not in app.config


def test_factory_mapping_wins_over_environment(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_MONGODB_TIMEOUT_MS", "1234")
    assert make_app(ONEWINDOW_MONGODB_TIMEOUT_MS=99).config["ONEWINDOW_MONGODB_TIMEOUT_MS"] == 99


def test_defaults_are_chinese_first():
    app = make_app()
    assert app.config["BABEL_DEFAULT_LOCALE"] == "zh_CN"
    assert app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"
    assert set(app.config["LANGUAGES"]) == {"zh_CN", "en"}
