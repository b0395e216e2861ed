"""The course in a real browser: JupyterLab + headless Chromium, every notebook run with "Run All".

For each notebook: open it in JupyterLab, run all cells, wait until every code cell has run, then check
that no cell shows an error except the ones that demonstrate one (tagged ``raises-exception``), that the
figures render as images, and that notebooks with widgets show them. A full-page screenshot of each
notebook is saved under ``test-artifacts/screenshots/``.

Needs Debian's ``chromium`` package (``.ci/run`` installs it) and the Python ``playwright`` package
(driving that binary: no ``playwright install``). Skipped when Chromium is missing, unless
``DRAND_EDU_REQUIRE_BROWSER=1`` makes that an error. JupyterLab runs on a copy of the notebooks, so
autosave can never touch the committed ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CHROMIUM = Path("/usr/lib/chromium/chromium")  # the real binary; /usr/bin/chromium is a shell wrapper
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
RUN_TIMEOUT_S = 180

SETTINGS = {
    # no "news" / update toasts over the notebook
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    # render every cell (JupyterLab 4 otherwise only renders the cells in view)
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _missing(reason: str) -> None:
    if os.environ.get("DRAND_EDU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (DRAND_EDU_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebooks; yields (base url, token)."""
    if not CHROMIUM.exists():
        _missing("Debian's chromium package is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    work = tmp_path_factory.mktemp("lab")
    course = work / "notebooks"
    shutil.copytree(ROOT / "notebooks", course, ignore=shutil.ignore_patterns("src", ".ipynb_checkpoints"))
    _write_widget_gallery(course / WIDGET_GALLERY)
    settings = work / "settings"
    for name, values in SETTINGS.items():
        plugin, file_name = name.rsplit("/", 1)
        (settings / plugin).mkdir(parents=True, exist_ok=True)
        (settings / plugin / file_name).write_text(json.dumps(values))
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(work / "workspaces"),  # no restored tabs from earlier runs
        "JUPYTER_RUNTIME_DIR": str(work / "rt"),
    }
    log = (work / "lab.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip", "127.0.0.1",
         "--port", str(port), f"--ServerApp.token={token}", f"--ServerApp.root_dir={course}",
         "--LabApp.news_url=", "--LabApp.expose_app_in_browser=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    tail = (work / "lab.log").read_text()[-2000:]
                    raise RuntimeError(f"JupyterLab did not start: {tail}") from None
                time.sleep(0.5)
        yield base, token
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield chromium
        chromium.close()


# JavaScript run in the page against JupyterLab's notebook model (exposed by --LabApp.expose_app_in_browser)
CLEAR, RUN_ALL = "notebook:clear-all-cell-outputs", "notebook:run-all-cells"
KERNEL_READY = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""
ALL_CELLS_RAN = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const cells = panel.content.model.cells;
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type === 'code' && (cell.executionCount === null || cell.executionCount === undefined)) {
            return false;
        }
    }
    return panel.sessionContext.session.kernel.status === 'idle';
}"""
CELL_REPORT = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
    const report = [];
    for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        if (cell.type !== 'code') continue;
        const outputs = cell.outputs.toJSON();
        report.push({
            index: i,
            tags: cell.getMetadata('tags') || [],
            errors: outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
        });
    }
    return report;
}"""


def _expectations(path: Path) -> dict[str, int]:
    """What the committed notebook says the browser should show."""
    notebook = json.loads(path.read_text())
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    return {
        "code_cells": len(code),
        "raises": sum("raises-exception" in c.get("metadata", {}).get("tags", []) for c in code),
        "images": sum("image/png" in o.get("data", {}) for o in outputs),
        "widgets": sum("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs),
        # widgets with a control, as far as their (truncated) text fallback tells: a lower bound
        "controls": sum(
            "application/vnd.jupyter.widget-view+json" in o.get("data", {})
            and any(word in "".join(o["data"].get("text/plain", "")) for word in ("Slider(", "Button("))
            for o in outputs
        ),
    }


#: A notebook of this test only (in the lab's copy): every widget drand_edu.viz offers, so that the check
#: "move a control" also covers the widgets no session notebook shows yet.
WIDGET_GALLERY = "widget_gallery.ipynb"
GALLERY_CELLS = (
    """import json
from pathlib import Path

import drand_edu
from drand_edu.chain import Beacon, ChainInfo
from drand_edu.node.network import LocalNetwork
from drand_edu.viz import crypto, dkg, panel, rounds

rng = drand_edu.notebook_setup(seed=16)
recorded = json.loads(Path("data/beacons-mainnet-default.json").read_text())
info = ChainInfo.from_json(recorded["info"])
beacons = [Beacon.from_json(b) for b in recorded["beacons"]]""",
    "crypto.toy_curve_explorer()",
    "dkg.shamir_explorer()",
    "rounds.round_explorer(info, beacons)",
    "rounds.unlock_explorer(info, info.time_of_round(beacons[-1].round))",
    """network = LocalNetwork.create(4, 3, "bls-unchained-g1-rfc9380", period=3, rng=rng)
network.run_rounds(2)
panel.NetworkPanel(network).widget()""",
    """from drand_edu.viz.timeline import NodeTimeline, timeline_explorer

steps = ((0.0, "proposed"), (1.0, "joined"), (2.0, "executing"), (4.0, "complete"))
story = [NodeTimeline(f"node{i}", steps, ((1, 8.1 + i / 10), (2, 11.1), (3, 14.1))) for i in range(4)]
timeline_explorer(story, genesis_time=8.0, period=3)""",
)


def _write_widget_gallery(path: Path) -> None:
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in GALLERY_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)


def test_every_course_widget_responds_in_jupyterlab(lab, browser) -> None:
    """The widgets of drand_edu.viz, a cell each: a key press or a click changes what each one shows."""
    base, token = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    path = Path(WIDGET_GALLERY)
    widgets = len(GALLERY_CELLS) - 1
    try:
        _run_all_and_check(page, base, token, path,
                           {"raises": 0, "images": 0, "widgets": widgets, "controls": widgets})  # fmt: skip
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}-failed.png"), full_page=True)
        raise
    finally:
        page.close()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab(lab, browser, path: Path) -> None:
    base, token = lab
    expected = _expectations(path)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        _run_all_and_check(page, base, token, path, expected)
    except Exception:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}-failed.png"), full_page=True)
        raise
    finally:
        page.close()


def _run_all_and_check(page, base: str, token: str, path: Path, expected: dict[str, int]) -> None:
    if True:
        # a workspace of its own, so no tab of an earlier test is restored next to this notebook
        page.goto(f"{base}/lab/workspaces/{path.stem.replace('_', '-')}/tree/{path.name}?token={token}")
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell", timeout=60_000)
        page.wait_for_function(KERNEL_READY, timeout=60_000)
        page.click(".jp-Notebook")
        # the menu's "Edit → Clear Outputs of All Cells" then "Run → Run All Cells", via the command registry
        page.evaluate(f"async () => {{ await window.jupyterapp.commands.execute('{CLEAR}'); }}")
        page.evaluate(f"async () => {{ await window.jupyterapp.commands.execute('{RUN_ALL}'); }}")
        page.wait_for_function(ALL_CELLS_RAN, timeout=RUN_TIMEOUT_S * 1000)
        cells = page.evaluate(CELL_REPORT)
        misplaced = [c for c in cells if c["errors"] and "raises-exception" not in c["tags"]]
        assert not misplaced, f"cells raised: {misplaced}"
        assert sum(bool(c["errors"]) for c in cells) == expected["raises"], cells
        images = page.locator(".jp-RenderedImage img")
        count = images.count()
        assert count >= expected["images"], f"{count} images rendered, the notebook has {expected['images']}"
        if count:
            images.first.scroll_into_view_if_needed()
            drawn = page.evaluate(
                "() => [...document.querySelectorAll('.jp-RenderedImage img')]"
                ".every(img => img.complete && img.naturalWidth > 0)"
            )
            assert drawn, "a figure did not decode as an image"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{path.stem}.png"))
        if expected["widgets"]:
            # widget views render asynchronously after their cell finished
            page.wait_for_selector(".jp-OutputArea .jupyter-widgets", state="attached", timeout=30_000)
            _move_a_control_of_every_widget(page, path, expected["controls"])


# Marks each widget view with controls (a top-level output holding a slider or a button) and counts them.
WIDGET_CONTROLS = "button.jupyter-button, .noUi-handle, .ui-slider-handle, input[type=range]"
MARK_WIDGETS = """(controls) => {
    const views = [...document.querySelectorAll('.jp-OutputArea-output')].filter(out =>
        out.querySelector('.jupyter-widgets') && out.querySelector(controls)
        && !out.parentElement.closest('.jp-OutputArea-output .jupyter-widgets'));
    views.forEach((view, i) => view.setAttribute('data-widget-check', String(i)));
    return views.length;
}"""
# What the widget shows, apart from its controls: text, text-box values and figure images.
WIDGET_SHOWS = """(view) => {
    const copy = view.cloneNode(true);
    copy.querySelectorAll('.widget-slider, .widget-readout, .widget-button, button, .widget-dropdown, label')
        .forEach(el => el.remove());
    const values = [...view.querySelectorAll('textarea, input[type=text]')].map(el => el.value);
    const images = [...view.querySelectorAll('img')].map(img => img.src);
    return JSON.stringify([copy.textContent, values, images]);
}"""
WIDGET_CHANGED = """([view, before]) => {
    const shows = (""" + WIDGET_SHOWS + """)(view);
    return shows !== before;
}"""


def _move_a_control_of_every_widget(page, path: Path, at_least: int) -> None:
    """Each widget view with a slider or a button: press a key on a slider / click a button, then its text
    or figure must change (the kernel answered). Tries the widget's controls in turn (buttons first), since
    some controls only matter together with another (a latency slider before "slow"). Widgets without a
    control (tqdm's progress bars) are left alone; ``at_least`` views with controls must be there."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    count = page.evaluate(MARK_WIDGETS, WIDGET_CONTROLS)
    assert count >= at_least, f"{path.stem}: {count} widgets with a slider or a button, expected {at_least}"
    for index in range(count):
        view = page.locator(f'[data-widget-check="{index}"]')
        view.scroll_into_view_if_needed()
        buttons = view.locator("button.jupyter-button")
        sliders = view.locator(".noUi-handle, .ui-slider-handle, input[type=range]")
        attempts = [(buttons.nth(i), "click") for i in range(min(buttons.count(), 3))]
        for i in range(min(sliders.count(), 3)):
            attempts += [(sliders.nth(i), "ArrowRight"), (sliders.nth(i), "ArrowLeft")]  # at its max
        tried = []
        for control, action in attempts:
            before = view.evaluate(WIDGET_SHOWS)
            if action == "click":
                control.click()
            else:
                control.focus()
                page.keyboard.press(action)
            tried.append(f"{action} on {control.get_attribute('class')!r}")
            try:
                page.wait_for_function(WIDGET_CHANGED, arg=[view.element_handle(), before], timeout=15_000)
            except PlaywrightTimeout:
                continue
            errors = view.locator('[data-mime-type="application/vnd.jupyter.error"]')
            assert not errors.count(), f"{path.stem} widget {index}: {tried[-1]} shows an error"
            break
        else:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{path.stem}-widget-{index}-unchanged.png"))
            pytest.fail(f"{path.stem} widget {index}: nothing it shows changed after {tried}")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        view.screenshot(path=str(ARTIFACTS / f"{path.stem}-widget-{index}-moved.png"))


@contextlib.contextmanager
def _serve(directory: Path):
    """A static HTTP server for ``directory`` on 127.0.0.1, in a thread; yields its base URL."""
    import functools
    import http.server
    import threading

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """The static site (make site), built into a temporary folder and served on 127.0.0.1."""
    if not CHROMIUM.exists():
        _missing("Debian's chromium package is not installed (apt-get install chromium)")
    if not Path(sys.executable).with_name("jupyter-book").exists():
        pytest.skip("jupyter-book is not installed")
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_site

    out = tmp_path_factory.mktemp("site")
    make_site.assemble(out / "src")
    index = make_site.build_with_jupyter_book(out / "src", out)
    with _serve(index.parent) as url:
        yield url, index.parent


@pytest.mark.parametrize("stem", ["02_beacons", "04_dkg"])
def test_the_site_hides_answers_until_asked_and_leaves_instructor_notes_out(site, browser, stem) -> None:
    """A solution (code and output) and a check cell's verdict open only on a click; no instructor note."""
    url, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"{url}/{stem}.html")
        solution = page.locator(".tag_solution details").first
        solution.wait_for(state="attached", timeout=30_000)
        assert solution.get_attribute("open") is None, "a solution is open on the site"
        for i in range(page.locator(".tag_solution").count()):
            parts = page.locator(".tag_solution").nth(i).locator(".cell_input, .cell_output").all()
            assert parts, f"{stem}: solution {i + 1} has no code on the site"
            for part in parts:
                assert not part.is_visible(), f"{stem}: part of solution {i + 1} shows without a click"
        verdicts = page.locator(".tag_hide-output .cell_output")
        assert verdicts.count() >= 3, f"{stem}: check cells' verdicts are not collapsed"
        assert not any(v.is_visible() for v in verdicts.all()), f"{stem}: a verdict shows without a click"
        shown = [o.inner_text() for o in page.locator(".cell_output").all() if o.is_visible()]
        assert not [o for o in shown if "✅" in o], f"{stem}: a verdict is on the page before any click"
        body = page.locator("main").inner_text()
        assert "Instructor notes" not in body and "docs/plan.toml" not in body, "instructor notes on the site"
        code = page.locator(".tag_solution .cell_input").first
        page.locator(".tag_solution details summary").first.click()
        assert code.is_visible(), "clicking the toggle does not show the solution"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"site-{stem}.png"))
    finally:
        page.close()


def test_the_site_has_no_broken_links(site) -> None:
    """Every local link of every page leads to a file of the site (MathJax is vendored by make site)."""
    import make_site

    _, html_root = site
    pages = list(html_root.glob("*.html"))
    assert len(pages) >= 10, pages
    assert make_site.broken_links(html_root, ignore=("_static/mathjax/",)) == []


#: Every deck of the course is checked (a slide that scrolls or is cut off cannot be presented).
SLIDE_DECKS = tuple(path.stem for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")))

# Run in a slides page: what overflows the current slide horizontally (code blocks, text outputs, images).
SLIDE_OVERFLOW = """() => {
    const slide = document.querySelector('.reveal .slides section.present:not(.stack)')
        || document.querySelector('.reveal .slides section.present');
    if (!slide) return {slide: null, overflowing: []};
    const box = slide.getBoundingClientRect();
    const overflowing = [];
    // taller than the 800 px slide, even after make_slides' FIT_JS shrank it (down to its MIN_ZOOM)
    const zoom = parseFloat(slide.style.zoom) || 1;
    const height = slide.scrollHeight * zoom;
    if (height > 800 || zoom < MIN_ZOOM) {
        overflowing.push({tag: 'SECTION', height: height, zoom: zoom,
                          text: (slide.innerText || '').slice(0, 80)});
    }
    for (const el of slide.querySelectorAll('pre, img')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;  // not laid out (hidden)
        const tooWide = el.tagName === 'PRE' && el.scrollWidth > el.clientWidth + 1;
        const outside = r.left < box.left - 1 || r.right > box.right + 1;
        const tooTall = el.tagName === 'IMG' && r.height > window.innerHeight;
        if (tooWide || outside || tooTall) {
            overflowing.push({tag: el.tagName, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth,
                              left: r.left, right: r.right, height: r.height,
                              slideLeft: box.left, slideRight: box.right,
                              text: (el.innerText || el.getAttribute('alt') || '').slice(0, 80)});
        }
    }
    return {slide: Reveal.getIndices(), height: height, zoom: zoom, pre: slide.querySelectorAll('pre').length,
            img: slide.querySelectorAll('img').length, overflowing};
}"""


def make_slides_module():
    """scripts/make_slides.py, imported (it is a script, not part of the package)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_slides

    return make_slides


REVEAL_READY = """() => new Promise(done => {
    if (!window.require) return done(false);
    require(['vendor/node_modules/reveal.js/dist/reveal.js'], R => {
        window.Reveal = R;
        done(!!R.isReady && R.isReady());
    }, () => done(false));
})"""


@pytest.fixture(scope="module")
def slides(tmp_path_factory: pytest.TempPathFactory):
    """``make slides`` of SLIDE_DECKS in a temporary folder (reveal.js from build/slides/vendor), served."""
    if not CHROMIUM.exists():
        _missing("Debian's chromium package is not installed (apt-get install chromium)")
    if shutil.which("npm") is None and not (ROOT / "build" / "slides" / "vendor" / "node_modules").exists():
        _missing("make slides needs npm once, to fetch reveal.js and MathJax")
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_slides

    vendor = ROOT / "build" / "slides" / "vendor"  # where make slides keeps it: fetched once
    make_slides.install_vendor(vendor)
    (ARTIFACTS / "slide-heights.txt").unlink(missing_ok=True)  # this run's figures only
    out = tmp_path_factory.mktemp("slides")
    (out / "vendor").symlink_to(vendor, target_is_directory=True)
    exporter = make_slides.exporter("vendor")
    for stem in SLIDE_DECKS:
        make_slides.export(ROOT / "notebooks" / f"{stem}.ipynb", out, exporter)
    with _serve(out) as url:
        yield url


@pytest.mark.parametrize("stem", SLIDE_DECKS)
def test_slides_are_readable_at_1280x800(slides, browser, stem: str) -> None:
    """Every slide of the deck fits a 1280x800 screen: no code block, text output or figure runs off it
    sideways, and no slide is taller than 800 px (make_slides splits sections into sub-slides and shrinks a
    slide still a little too tall, never below MIN_ZOOM). The tallest slide and the smallest zoom are
    written to test-artifacts/slide-heights.txt."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        page.goto(f"{slides}/{stem}.slides.html")
        # the page loads reveal.js with require.js and keeps it local: fetch the same module as window.Reveal
        page.wait_for_function(REVEAL_READY, timeout=30_000)
        page.evaluate("() => Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
        total = page.evaluate("() => Reveal.getTotalSlides()")
        assert total > 5, f"{stem}: only {total} slides"
        problems, checked, heights = [], {"pre": 0, "img": 0}, []
        shots = {"pre": 0, "img": 0}  # screenshots: the first 3 slides with a figure, the first 2 with code
        for step in range(total):
            if step:
                page.evaluate("() => Reveal.next()")
            page.wait_for_timeout(40)  # the fit-to-screen script runs on the slide change
            page.evaluate("() => Promise.all([...document.querySelectorAll('.reveal section.present img')]"
                          ".map(img => img.decode().catch(() => null)))")
            state = page.evaluate(SLIDE_OVERFLOW.replace("MIN_ZOOM", str(make_slides_module().MIN_ZOOM)))
            heights.append((state.get("height", 0), state.get("zoom", 1)))
            checked["pre"] += state.get("pre", 0)
            checked["img"] += state.get("img", 0)
            if state["overflowing"]:
                problems.append(state)
                page.screenshot(path=str(ARTIFACTS / f"slides-{stem}-overflow-{step:02d}.png"))
            else:
                kind = "img" if state.get("img") else "pre" if state.get("pre") else None
                if kind and shots[kind] < {"img": 3, "pre": 2}[kind]:
                    page.screenshot(path=str(ARTIFACTS / f"slides-{stem}-{step:02d}.png"))
                    shots[kind] += 1
        has_figures = "image/png" in (ROOT / "notebooks" / f"{stem}.ipynb").read_text()
        assert checked["pre"] and (checked["img"] or not has_figures), f"{stem}: nothing checked: {checked}"
        with open(ARTIFACTS / "slide-heights.txt", "a") as report:
            report.write(f"{stem}: {total} slides, tallest {max(h for h, _ in heights):.0f} px, "
                         f"smallest zoom {min(z for _, z in heights):.2f}, "
                         f"{sum(z < 1 for _, z in heights)} shrunk\n")
        assert not problems, f"{stem}: content larger than the slide at 1280x800: {problems}"
    finally:
        page.close()
