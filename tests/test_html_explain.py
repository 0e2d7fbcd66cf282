"""codepack.output.html_explain: a self-contained page that escapes everything and loads when
large."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from codepack.output.html_explain import (
    MAX_DRAWN_NODES,
    render_explain_html,
    write_explain_html,
)

HOSTILE = "weird/<img src=x onerror=alert(1)>&.py"


def fixture_report() -> dict:
    """A report shaped like codepack.api.explain's, for a small Python package."""
    order = [
        {"path": "pkg/util.py", "reason": "dependency", "detail": None},
        {"path": "pkg/models.py", "reason": "dependency", "detail": None},
        {"path": "tests/test_models.py", "reason": "test_of", "detail": "tests pkg/models.py"},
        {"path": "pkg/views.py", "reason": "dependency", "detail": None},
        {"path": HOSTILE, "reason": "alphabetical", "detail": "not in the graph"},
    ]
    return {
        "repo": "demo <repo> & co",
        "order": order,
        "edges": [
            {"src": "pkg/models.py", "dst": "pkg/util.py", "weight": 2.0},
            {"src": "tests/test_models.py", "dst": "pkg/models.py", "weight": 1.5},
            {"src": "pkg/views.py", "dst": "pkg/models.py", "weight": 3.25},
        ],
        "removed_edges": [{"src": "pkg/util.py", "dst": "pkg/views.py", "weight": 0.1}],
        "component_sizes": [4, 1],
        "stats": {"edges_found": 4, "edges_removed_for_cycles": 1, "files_by_test": 1},
    }


def large_report(n: int = 3000) -> dict:
    """A chain with a few long-range imports per file: the shape of a big package."""
    paths = [f"src/pkg{i // 100}/module_{i}.py" for i in range(n)]
    edges = [{"src": paths[i], "dst": paths[j], "weight": 1.0}
             for i in range(1, n) for j in {i - 1, i // 2, i // 3}]
    return {
        "repo": "big",
        "order": [{"path": p, "reason": "dependency", "detail": None} for p in paths],
        "edges": edges,
        "removed_edges": [{"src": paths[1], "dst": paths[5], "weight": 0.2}],
        "component_sizes": [n],
        "stats": {},
    }


def test_page_is_self_contained() -> None:
    page = render_explain_html(fixture_report())
    assert page.startswith("<!DOCTYPE html>")
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    assert external == []
    assert "<link" not in page and "@import" not in page
    # the only URL is the SVG namespace, which is an identifier, not a fetch
    assert re.findall(r"https?://[^\s\"']+", page) == ["http://www.w3.org/2000/svg"]


def test_everything_from_the_report_is_escaped() -> None:
    page = render_explain_html(fixture_report())
    assert "<img" not in page
    assert "weird/&lt;img src=x onerror=alert(1)&gt;&amp;.py" in page
    assert "demo &lt;repo&gt; &amp; co" in page
    assert page.count("<script>") == 1  # ours only


def test_files_in_order_with_reasons_and_edges() -> None:
    page = render_explain_html(fixture_report())
    rows = re.findall(r'<td class="path">([^<]*)</td>', page)
    assert rows[:4] == ["pkg/util.py", "pkg/models.py", "tests/test_models.py", "pkg/views.py"]
    assert page.count('class="node"') == 5
    assert page.count('class="edge kept"') == 3
    assert page.count('class="edge removed"') == 1
    assert "<title>pkg/views.py imports pkg/models.py (importance 3.25; kept)</title>" in page
    assert "removed to break a cycle)</title>" in page
    assert "tests pkg/models.py" in page


def test_large_report_is_capped_and_says_so() -> None:
    report = large_report()
    page = render_explain_html(report)
    assert page.count('class="node"') == MAX_DRAWN_NODES
    assert page.count("<tr data-i=") == 3000  # the table still lists every file
    assert f"first {MAX_DRAWN_NODES:,} of 3,000 files" in page
    drawn = page.count('class="edge ')
    assert 0 < drawn < len(report["edges"])
    assert len(page) < 3_000_000


def test_malformed_report_still_renders() -> None:
    page = render_explain_html({
        "order": [{"path": "a.py"}, "not a dict", {"path": "b.py", "reason": "mystery"}],
        "edges": [{"src": "a.py"}, {"src": "b.py", "dst": "a.py", "weight": "heavy"},
                  {"src": "gone.py", "dst": "a.py"}],
        "removed_edges": None,
        "component_sizes": ["x", 2],
        "stats": {"nested": {"k": [1, 2]}},
    })
    assert page.count('class="node"') == 2
    assert "importance heavy" in page
    assert "1 edges name files that are not in the order" in page
    assert "{&quot;k&quot;: [1, 2]}" in page
    assert "No files to draw" in render_explain_html({})


def test_write_explain_html(tmp_path: Path) -> None:
    target = write_explain_html(fixture_report(), tmp_path / "explain.html")
    assert target.read_text(encoding="utf-8") == render_explain_html(fixture_report())
    assert [p.name for p in tmp_path.iterdir()] == ["explain.html"]


# ------------------------------------------------------------------------------------------
# headless Chromium: the page parses, the script runs, and nothing is logged as an error

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not on PATH (apt-get install chromium) - skipping the render check")


def _chromium(page: Path, profile: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        "--window-size=1400,900", *mode, page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "Uncaught" in line]


@needs_chromium
@pytest.mark.parametrize("report", [fixture_report(), large_report()], ids=["fixture", "3000"])
def test_renders_in_headless_chromium(report: dict, tmp_path: Path) -> None:
    page = write_explain_html(report, tmp_path / "explain.html")
    result = _chromium(page, tmp_path / "profile", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert 'data-codepack-ready="yes"' in dom  # set by the page's script
    first, last = (html.escape(report["order"][i]["path"], quote=False) for i in (0, -1))
    assert f"0. {first}" in dom  # the first node label of the graph
    assert last in dom  # the last row of the file table
    assert "<img" not in dom  # the hostile path stayed text
    assert _console_errors(result.stderr) == []


@needs_chromium
def test_screenshot_of_the_fixture_page(tmp_path: Path) -> None:
    page = write_explain_html(fixture_report(), tmp_path / "explain.html")
    shot = tmp_path / "explain.png"
    result = _chromium(page, tmp_path / "profile", f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


@needs_chromium
def test_console_error_check_catches_a_broken_script(tmp_path: Path) -> None:
    """The check above is not vacuous: a page whose script throws is caught."""
    page = tmp_path / "broken.html"
    page.write_text(render_explain_html(fixture_report()).replace(
        "(function(){", "(function(){ undefinedFunction();", 1))
    result = _chromium(page, tmp_path / "profile", "--dump-dom")
    assert _console_errors(result.stderr)
    assert 'data-codepack-ready="yes"' not in result.stdout
