"""The dashboard's figures and its ECharts options, built from the statistics tables (the same
rows the statistics screen and its exports show); ``dashboard.js`` only draws them."""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import gettext

from reports import overdue_now
from reports import statistics as st


def _line(title: str, periods: list[str], series: list[tuple[str, list]],
          percent: bool = False) -> dict[str, Any]:
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24},
        "grid": {"top": 64, "left": 48, "right": 16, "bottom": 32},
        "xAxis": {"type": "category", "data": periods},
        "yAxis": {"type": "value", **({"max": 100} if percent else {"minInterval": 1})},
        "series": [{"name": name, "type": "line", "smooth": True, "data": values}
                   for name, values in series],
    }


def _bars(title: str, categories: list[str], series: list[tuple[str, list]],
          horizontal: bool = False) -> dict[str, Any]:
    category_axis = {"type": "category", "data": categories}
    value_axis = {"type": "value"}
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24},
        "grid": {"top": 64, "left": 120 if horizontal else 48, "right": 16, "bottom": 32},
        "xAxis": value_axis if horizontal else category_axis,
        "yAxis": category_axis if horizontal else value_axis,
        "series": [{"name": name, "type": "bar", "data": values} for name, values in series],
    }


def _pie(title: str, slices: list[tuple[str, int]]) -> dict[str, Any]:
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "series": [{"type": "pie", "radius": ["35%", "65%"], "top": 24,
                    "data": [{"name": name, "value": value} for name, value in slices]}],
    }


def dashboard(query: st.Query) -> dict[str, Any]:
    """Key figures for the period and one ECharts option per chart."""
    cases = st.cases_table(query)
    # With more than one period the last row is the total.
    per_period = cases.rows[:-1] if len(cases.rows) > 1 else cases.rows
    total = cases.rows[-1] if cases.rows else st.case_figures(Counter())
    periods = [row["period"] for row in per_period]

    def column(key: str) -> list:
        return [row[key] for row in per_period]

    labels = dict(cases.columns)
    charts = [
        _line(gettext("Cases"), periods, [
            (str(labels[key]), column(key)) for key in ("opened", "accepted", "delivered")]),
        _line(gettext("Rates (%)"), periods, [
            (str(labels[key]), column(key))
            for key in ("one_window_rate", "on_time_rate", "subtask_on_time_rate")],
            percent=True),
    ]
    agencies = st.agency_summary(query)
    if agencies:
        charts.append(_bars(gettext("Agencies: working minutes per sub-task"),
                            [row["agency"] for row in agencies], [
            (gettext("Average"), [row["average"] for row in agencies]),
            (gettext("90th percentile"), [row["p90"] for row in agencies]),
        ], horizontal=True))
    stages = st.stage_summary(query)
    if stages:
        charts.append(_bars(gettext("Time per stage (working minutes)"),
                            [row["stage"] for row in stages], [
            (gettext("Average"), [row["average"] for row in stages]),
            (gettext("90th percentile"), [row["p90"] for row in stages]),
        ]))
    returns = st.returns_table(query).rows[:10]
    if returns:
        charts.append(_pie(gettext("Returns by reason"),
                           [(f"{row['material']}（{row['problem']}）", row["count"])
                            for row in returns]))
    complaints = st.complaints_table(query).rows
    if complaints:
        by_category: dict[str, int] = {}
        for row in complaints:
            by_category[row["category"]] = by_category.get(row["category"], 0) + row["count"]
        charts.append(_pie(gettext("Complaints by category"), sorted(by_category.items())))
    if len(query.centres) > 1:
        centres = st.centres_table(query).rows
        charts.insert(0, _bars(gettext("Centres side by side"),
                               [row["centre"] for row in centres], [
            (str(labels[key]), [row[key] for row in centres])
            for key in ("opened", "accepted", "delivered")]))
    # The most overdue few and how many cases hold one, on the (centre, task_due) index; the
    # full list is a link away (a busy centre holds hundreds: reading them all cost the page).
    overdue_cases, open_overdue = overdue_now.most_overdue(query.centres,
                                                           st.snapshot_moment(query))
    ratings = st.ratings_table(query).rows
    rated = sum(row["count"] for row in ratings)
    return {
        "total": total,
        "complaints": sum(row["count"] for row in complaints),
        "overdue_now": overdue_cases,
        "open_overdue": open_overdue,
        "rating_average": (round(sum(row["average"] * row["count"] for row in ratings) / rated, 2)
                           if rated else None),
        "ratings": rated,
        "charts": charts,
    }
