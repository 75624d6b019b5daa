"""Where a case page's time goes: the page as served, then with each part of its content left
out, and with no content at all (the layout, the reads and the checks alone), beside its floor.

    .venv/bin/python bench/case_page_parts.py [--size 50000] [--repeat 200] [--rounds 3]

Uses the stores of ``bench/screens.py`` (built on first use) and its sample case, as ``ly_clerk``.
Each variant drops one section of ``onewindow/cases/show.html`` (handed to Jinja in place of the
file, nothing written); variants are interleaved, ``--rounds`` times, and each cell is the median
CPU time of ``--repeat`` requests (the lowest of the rounds' medians beside it).
"""

from __future__ import annotations

import argparse
import logging
import pathlib
import statistics
import time

from floors import TEMPLATES, case_page_reads, floor, sample_case
import jinja2
import screens

TEMPLATE = "onewindow/cases/show.html"
# A section of the page's content: from its heading to where the next part starts.
SECTIONS = {
    "materials": ('<h3>{{ _("Materials") }}</h3>', '<h3>{{ _("Actions") }}</h3>'),
    "sub-tasks": ('<h3>{{ _("Agency sub-tasks") }}</h3>', "{% if 'withdraw' in actions %}"),
    "rating and printables": ('{% include "onewindow/ratings/_case_rating.html" %}',
                              '<h3>{{ _("Timeline") }}</h3>'),
    "timeline": ('<h3>{{ _("Timeline") }}</h3>', "{% endblock %}"),
}


def variants(source: str) -> dict[str, str]:
    """The page's template, then without each section, then with an empty content block."""
    found = {"the page as served": source}
    for name, (start, end) in SECTIONS.items():
        begin = source.index(start)
        found[f"without its {name}"] = source[:begin] + source[source.index(end, begin):]
    content = source.index("{% block content %}") + len("{% block content %}")
    found["no content (layout, reads, checks)"] = source[:content] + "{% endblock %}"
    return found


class Swapped(jinja2.BaseLoader):
    """The app's loader, with the case page's template replaced by the variant being timed."""

    def __init__(self, loader: jinja2.BaseLoader) -> None:
        self.loader, self.source = loader, None

    def get_source(self, environment, template):
        if template == TEMPLATE and self.source is not None:
            return self.source, None, lambda: False
        return self.loader.get_source(environment, template)


def cpu_median(call, repeat: int) -> float:
    used = []
    for _ in range(repeat):
        start = time.thread_time()
        call()
        used.append((time.thread_time() - start) * 1000)
    return statistics.median(used)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=50000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    folder = screens.build(args.size)
    app = screens.our_app(folder / "store")
    client = app.test_client()
    screens.login(client, "/login/", "ly_clerk")
    with app.app_context():
        pk = sample_case().pk
    url = f"/cases/{pk}"
    swapped = Swapped(app.jinja_env.loader)
    app.jinja_env.loader = swapped
    source = pathlib.Path(app.jinja_env.get_template(TEMPLATE).filename).read_text("utf-8")
    template = jinja2.Template(TEMPLATES["case page"])
    timings: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for name, text in variants(source).items():
            swapped.source = text
            app.jinja_env.cache.clear()

            def page() -> None:
                assert client.get(url).status_code == 200

            for _ in range(10):
                page()
            timings.setdefault(name, []).append(cpu_median(page, args.repeat))
        timings.setdefault("floor", []).append(
            cpu_median(lambda: floor(app, template, lambda: case_page_reads(pk)), args.repeat))
    base = statistics.median(timings["floor"])
    print(f"\n{'case page at ' + str(args.size) + ' cases, ly_clerk':<40}{'CPU ms':>8}"
          f"{'lowest':>8}{'×floor':>8}")
    for name, values in timings.items():
        middle = statistics.median(values)
        print(f"{name:<40}{middle:>8.2f}{min(values):>8.2f}{middle / base:>8.1f}")


if __name__ == "__main__":
    main()
