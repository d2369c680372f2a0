"""Charts drawn once with matplotlib (Agg, no display, no network): each is saved as SVG,
which the report page and its PDF print embed, and as PNG, which the DOCX embeds.

The font is DejaVu Sans, shipped inside matplotlib, so Vietnamese diacritics render the same
on any machine; SVG text is kept as paths for the same reason (the PDF and a browser then
show exactly what the PNG shows).
"""

from __future__ import annotations

import io
import math
import re
import threading
from dataclasses import dataclass

from markupsafe import escape

from quyhoach.domain.structure import band_label
from quyhoach.reports.lang import _ as gettext, lower_first
from quyhoach.reports.model import Chart

_lock = threading.Lock()   # pyplot's state is global: one chart at a time per process

# Printed in black on an office printer (colours turn grey): greys of clearly different
# lightness, a hatch for what falls short, every word black.
RATING_COLOURS = {"excellent": "#4a4a4a", "good": "#9a9a9a", "complete": "#d6d6d6", "fail": "#ffffff"}
RATING_HATCH = {"fail": "xxx"}
RATING_LABELS = {"excellent": "HTXSNV", "good": "HTTNV", "complete": "HTNV", "fail": "KHTNV"}
OK, BAD, TARGET, GREY = "#5a5a5a", "#ffffff", "#000000", "#9a9a9a"   # a bar short of its target: hatched
SHORT_HATCH = "////"
MEN, WOMEN = "#5a5a5a", "#c4c4c4"


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "font.family": "DejaVu Sans", "font.size": 9.5, "svg.fonttype": "none", "axes.spines.top": False,
        "axes.spines.right": False, "axes.titlesize": 10, "axes.titleweight": "bold",
        "text.parse_math": False,   # a "$" in a name is a dollar sign, not mathtext (which would fail)
    })
    return plt


def _save(fig, key: str, title: str, width_cm: float) -> Chart:
    import matplotlib

    plt = _plt()
    matplotlib.rcParams["svg.hashsalt"] = key  # distinct, stable ids for several charts on one page
    svg_buffer = io.StringIO()
    fig.savefig(svg_buffer, format="svg", bbox_inches="tight", metadata={"Date": None, "Creator": None})
    png_buffer = io.BytesIO()
    fig.savefig(png_buffer, format="png", dpi=200, bbox_inches="tight")
    plt.close(fig)
    svg = svg_buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    # scale to the column: the page and the PDF set the width, the aspect ratio stays
    # the title (a cadre's name) goes in as an escaped attribute through a function, never into
    # the replacement template, where a backslash in a name (\1, \u) would be read by re
    label = f' class="chart-svg" role="img" aria-label="{_attr(title)}"'
    svg = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', lambda m: "<svg" + m.group(1) + label, svg, count=1)
    return Chart(key, title, svg, png_buffer.getvalue(), width_cm)


def _attr(text: str) -> str:
    """Text as an SVG attribute value: every markup character escaped."""
    return str(escape(text))


@dataclass
class PyramidData:
    bins: list[tuple[int, int]]     # [low, high) ages
    men: list[int]
    women: list[int]


def age_pyramid(ages_by_sex: list[tuple[int, str]], term_name: str, step: int = 5) -> Chart:
    """Cadres in the pools by age at the term's start, men left and women right."""
    ages = [a for a, _ in ages_by_sex] or [40]
    low = max(20, (min(ages) // step) * step)
    high = max(low + step, ((max(ages) // step) + 1) * step)
    bins = [(a, a + step) for a in range(low, high, step)]
    men = [sum(1 for a, s in ages_by_sex if s == "M" and lo <= a < hi) for lo, hi in bins]
    women = [sum(1 for a, s in ages_by_sex if s == "F" and lo <= a < hi) for lo, hi in bins]
    title = gettext("Tháp tuổi cán bộ trong quy hoạch (tuổi tính đến đầu %(term)s)", term=lower_first(term_name))
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.3, 0.32 * len(bins) + 1.2))
        y = list(range(len(bins)))
        ax.barh(y, [-m for m in men], color=MEN, edgecolor="#000", linewidth=0.4, label=gettext("Nam"))
        ax.barh(y, women, color=WOMEN, edgecolor="#000", linewidth=0.4, label=gettext("Nữ"))
        ax.set_yticks(y, [band_label(lo, hi) for lo, hi in bins])
        top = max(men + women + [1])
        for i, (m, w) in enumerate(zip(men, women, strict=False)):
            if m:
                ax.text(-m - top * 0.02, i, str(m), va="center", ha="right", fontsize=9)
            if w:
                ax.text(w + top * 0.02, i, str(w), va="center", ha="left", fontsize=9)
        ax.set_xlim(-top * 1.18, top * 1.18)
        ticks = ax.get_xticks()
        ax.set_xticks(ticks, [str(abs(int(t))) for t in ticks])
        ax.axvline(0, color="#333", linewidth=0.8)
        ax.set_xlabel(gettext("Số cán bộ"))
        ax.set_ylabel(gettext("Tuổi"))
        ax.legend(loc="upper right", frameon=False, ncols=2)
        ax.set_title(f"{gettext('Nam')} {sum(men)} · {gettext('Nữ')} {sum(women)}", loc="left", fontsize=9, fontweight="normal")
        return _save(fig, "age-pyramid", title, 14.0)


@dataclass
class GaugeData:
    label: str
    value: float                 # share 0..1
    target: float | tuple[float, float] | None
    passed: bool
    words: str                   # "180/612 (29,4%)"


def target_gauges(gauges: list[GaugeData], title: str = "") -> Chart:
    """One bar per target, the target marked, Đạt / Chưa đạt written beside it."""
    title = title or gettext("Cơ cấu so với chỉ tiêu")
    met, short = gettext("Đạt"), gettext("Chưa đạt")
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.8, 0.55 * len(gauges) + 0.9))
        y = list(range(len(gauges)))[::-1]
        for yi, g in zip(y, gauges, strict=False):
            ax.barh(yi, 1.0, color="#f2f2f2", height=0.55)
            ax.barh(yi, min(g.value, 1.0), color=OK if g.passed else BAD, height=0.55, edgecolor="#000",
                    linewidth=0.5, hatch=None if g.passed else SHORT_HATCH)
            if isinstance(g.target, tuple):
                ax.axvspan(0, 0, alpha=0)
                ax.plot([g.target[0], g.target[1]], [yi + 0.36, yi + 0.36], color=TARGET, linewidth=2.2)
                ax.plot([g.target[0]] * 2, [yi - 0.32, yi + 0.36], color=TARGET, linewidth=1)
                ax.plot([g.target[1]] * 2, [yi - 0.32, yi + 0.36], color=TARGET, linewidth=1)
            elif g.target:
                ax.plot([g.target, g.target], [yi - 0.36, yi + 0.36], color=TARGET, linewidth=2)
            ax.text(1.02, yi, f"{g.words} — {met if g.passed else short}", va="center", fontsize=9,
                    color="#000", fontweight="normal" if g.passed else "bold")
        ax.set_yticks(y, [g.label for g in gauges])
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.set_title(gettext("Vạch đen: chỉ tiêu; thanh gạch chéo: chưa đạt"), loc="left", fontsize=9, fontweight="normal",
                     color="#000")
        return _save(fig, "target-gauges", title, 16.0)


def ratings_over_years(years: list[int], counts: list[dict[str, int]], cap: list[float],
                       title: str = "") -> Chart:
    """Ratings per year as 100 % stacked bars, with the excellent share of those rated good
    or better drawn as a line against the E4 cap."""
    title = title or gettext("Xếp loại chất lượng qua các năm")
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.8, 3.1))
        x = list(range(len(years)))
        bottom = [0.0] * len(years)
        totals = [max(1, sum(c.get(r, 0) for r in RATING_LABELS)) for c in counts]
        for rating in ("excellent", "good", "complete", "fail"):
            shares = [c.get(rating, 0) / t for c, t in zip(counts, totals, strict=False)]
            ax.bar(x, shares, bottom=bottom, color=RATING_COLOURS[rating], label=gettext(RATING_LABELS[rating]), width=0.6,
                   edgecolor="#000", linewidth=0.4, hatch=RATING_HATCH.get(rating))
            bottom = [b + s for b, s in zip(bottom, shares, strict=False)]
        excellent_share = [c.get("excellent", 0) / max(1, c.get("excellent", 0) + c.get("good", 0)) for c in counts]
        ax.plot(x, excellent_share, color="#000", marker="o", markerfacecolor="#fff", markeredgecolor="#000",
                linewidth=1.8, label=gettext("HTXSNV / (HTXSNV + HTTNV)"))
        ax.plot(x, cap, color="#000", linestyle="--", linewidth=1.2, label=gettext("Mức trần"))
        for xi, s in zip(x, excellent_share, strict=False):
            ax.text(xi, s + 0.03, f"{s * 100:.0f}%".replace(".", ","), ha="center", fontsize=9, color="#111")
        ax.set_xticks(x, [str(y) for y in years])
        ax.set_ylim(0, 1.0)
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=3, frameon=False, fontsize=9)
        return _save(fig, "ratings-years", title, 16.0)


# The timeline prints on a black-and-white office printer: each rating its own marker and grey
# (black = the best), named in words on the axis; nothing is told by colour alone.
TIMELINE_MARKERS = {"excellent": ("o", "#000000"), "good": ("s", "#555555"), "complete": ("^", "#b0b0b0"),
                    "fail": ("X", "#ffffff")}
TIMELINE_WIDTH_CM = 16.0     # the figure is drawn at the width it prints: its 9 pt text prints at 9 pt


def _two_lines(words: str) -> str:
    """A long label over two lines, cut at the space nearest the middle."""
    spaces = [i for i, ch in enumerate(words) if ch == " "]
    if len(words) <= 14 or not spaces:
        return words
    cut = min(spaces, key=lambda i: abs(i - len(words) / 2))
    return words[:cut] + "\n" + words[cut + 1:]


def cadre_timeline(years: list[tuple[int, str | None, float | None]], months: list[tuple[int, float | None]],
                   month_year: int | None, name: str, thresholds: tuple[float, float] | None = None) -> Chart:
    """A cadre's evaluation timeline, legible in black and white: the yearly ratings (named in
    words, each with its own marker, the score above it where given) and, below, the monthly
    scores of the latest scored year against the score thresholds of "excellent" and "good"
    (`thresholds`, rule E2: the default rule set's unless given)."""
    from quyhoach.domain import vocab
    from quyhoach.domain.rulesets import RATING_DEFAULTS

    high, good = thresholds or (RATING_DEFAULTS["score_excellent_min"], RATING_DEFAULTS["score_good_min"])

    with _lock:
        plt = _plt()
        has_months = any(s is not None for _, s in months)
        width_in = TIMELINE_WIDTH_CM / 2.54
        fig, axes = plt.subplots(2 if has_months else 1, 1, figsize=(width_in, 5.3 if has_months else 2.6),
                                 gridspec_kw={"height_ratios": [1.25, 1]} if has_months else None)
        ax = axes[0] if has_months else axes
        order = vocab.RATING_ORDER
        rated = [(y, r, s) for y, r, s in years if r in order]
        xs = [y for y, _, _ in rated]
        ax.plot(xs, [order[r] for _, r, _ in rated], color="#000000", linewidth=0.8, linestyle=(0, (3, 2)), zorder=1)
        for year, rating, score in rated:
            marker, fill = TIMELINE_MARKERS[rating]
            ax.scatter([year], [order[rating]], s=90, marker=marker, facecolor=fill, edgecolor="#000000",
                       linewidth=1.0, zorder=2)
            if score is not None:
                ax.text(year, order[rating] + 0.3, f"{score:g}".replace(".", ","), ha="center", fontsize=9)
        codes = sorted(order, key=order.get)
        ax.set_yticks([order[c] for c in codes], [_two_lines(gettext(vocab.RATING.label(c))) for c in codes], fontsize=9)
        ax.set_ylim(-0.5, 3.7)
        ax.grid(axis="y", color="#999999", linewidth=0.5, linestyle=":")
        if xs:
            ax.set_xticks(xs, [str(x) for x in xs], fontsize=9)
            ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
        else:
            ax.set_xticks([])
            ax.text(0.5, 0.5, gettext("Chưa có kết quả xếp loại"), transform=ax.transAxes, ha="center", fontsize=9)
        ax.set_title(gettext("Xếp loại chất lượng hằng năm"), loc="left", fontsize=10)
        if has_months:
            mx = [m for m, s in months if s is not None]
            my = [s for _, s in months if s is not None]
            axm = axes[1]
            axm.plot(mx, my, label=gettext("Điểm hằng tháng"), marker="o", markersize=5, markerfacecolor="#ffffff",
                     markeredgecolor="#000000", color="#000000", linewidth=1.3)
            for at, rating, style in ((high, "excellent", (0, (5, 2))), (good, "good", (0, (1, 2)))):
                axm.axhline(at, color="#555555", linestyle=style, linewidth=1,
                            label=gettext("Từ %(at)s điểm: %(rating)s", at=f"{at:g}",
                                          rating=gettext(vocab.RATING.label(rating)).lower()))
            axm.legend(loc="upper left", bbox_to_anchor=(0.0, -0.28), ncol=1, fontsize=9, frameon=False)
            axm.set_xticks(range(1, 13), [str(m) for m in range(1, 13)], fontsize=9)
            axm.set_xlim(0.5, 12.5)
            axm.set_xlabel(gettext("Tháng"), fontsize=9)
            axm.set_ylabel(gettext("Điểm"), fontsize=9)
            axm.set_ylim(max(0, min(my + [good]) - 5), min(100, max(my + [high]) + 5))
            axm.tick_params(axis="y", labelsize=9)
            axm.set_title(gettext("Điểm đánh giá hằng tháng năm %(year)s", year=month_year), loc="left", fontsize=10)
        fig.tight_layout()
        return _save(fig, "cadre-timeline", gettext("Diễn biến đánh giá, xếp loại của %(name)s", name=name),
                     TIMELINE_WIDTH_CM)


# --------------------------------------------------------------------------- the scenario decision

GRAPH_ID = "decision-graph"
# The plan page styles its chain graph from app.css; a report carries its look inside the SVG
# itself (the PDF prints with reports.css only), scoped to the graph's id, in black: red and
# blue turn grey on an office printer (a vacant post is told by its dashed box and its words).
GRAPH_STYLE = {
    "ink": "#000", "muted": "#222", "bad": "#000", "link": "#000", "box": "#555",
    "outside": "#f2f2f2", "open_fill": "#fff",
}
# Printed, the graph is GRAPH_WIDTH_CM wide with GRAPH_PER_LINE posts a line: its smallest
# words (10 px) print at 8.5 pt (`print_pt`); a taller graph is cut between its lines into
# slices of at most GRAPH_SLICE_CM, one a page (landscape A4), never shrunk to fit.
GRAPH_PER_LINE = 3
GRAPH_WIDTH_CM = 22.0
GRAPH_SLICE_CM = 15.0
GRAPH_FONT_PX = {"node": 11, "unit": 10, "open": 10, "edge": 11, "caption": 12}
PT_PER_CM = 72 / 2.54
_GRAPH_CSS = (
    "#{id} text {{ font-family: 'DejaVu Sans', sans-serif; }}"
    "#{id} .node rect {{ fill: #fff; stroke: {box}; stroke-width: 1.2; }}"
    "#{id} .node text {{ font-size: {node}px; fill: {ink}; }}"
    "#{id} .node text.unit {{ fill: {muted}; font-size: {unit}px; }}"
    "#{id} .node-open rect {{ stroke: {bad}; stroke-dasharray: 5 3; fill: {open_fill}; }}"
    "#{id} .node-open text.open {{ fill: {bad}; font-size: {open}px; font-weight: bold; }}"
    "#{id} .node-outside rect {{ fill: {outside}; stroke-dasharray: 2 2; }}"
    "#{id} .edge path {{ fill: none; stroke: {link}; stroke-width: 1.6; }}"
    "#{id} .edge text {{ font-size: {edge}px; fill: {link}; font-weight: bold; stroke: none; }}"
    "#{id} marker path {{ fill: {link}; stroke: none; }}"
    "#{id} .caption {{ font-size: {caption}px; font-weight: bold; fill: {ink}; }}"
)


def _graph_width_px(svg: str) -> float:
    import xml.etree.ElementTree as ET

    return float(ET.fromstring(svg).get("viewBox").split()[2])


def print_pt(svg: str, width_cm: float = GRAPH_WIDTH_CM) -> float:
    """The size in points the graph's smallest words print at, the drawing `width_cm` wide."""
    return min(GRAPH_FONT_PX.values()) * width_cm * PT_PER_CM / _graph_width_px(svg)


def slice_px(svg: str) -> float:
    """The height in the drawing's pixels of one printed slice (GRAPH_SLICE_CM)."""
    return GRAPH_SLICE_CM * _graph_width_px(svg) / GRAPH_WIDTH_CM


def _styled(svg: str, suffix: str = "") -> str:
    ident = GRAPH_ID + suffix
    css = _GRAPH_CSS.format(id=ident, **GRAPH_STYLE, **GRAPH_FONT_PX)
    styled = svg.replace("<svg ", f'<svg id="{ident}" class="chart-svg graph-svg" ', 1)
    if suffix:   # one arrow marker per drawing: ids are unique within a page
        styled = styled.replace('id="arrow"', f'id="arrow{suffix}"').replace("url(#arrow)", f"url(#arrow{suffix})")
    return styled.replace("<defs>", f"<defs><style>{css}</style>", 1)


def rotation_graph(svg: str, title: str) -> Chart:
    """The plan page's chain graph (`web.scenarios.rotation_graph`, drawn once there) for a
    report: its SVG with the page's styles carried inside (page, PDF) and a PNG for the DOCX
    drawn from that same SVG — the same boxes, arrows and words at the same places. A tall
    graph (a province's plan) is also cut between its lines into page-high slices."""
    svg = str(svg or "")
    if not svg:
        return Chart("rotation-graph", title, "", b"", GRAPH_WIDTH_CM)
    windows = graph_windows(svg, slice_px(svg))
    slices = []
    if len(windows) > 1:
        for number, (top, bottom) in enumerate(windows, start=1):
            part = svg_window(svg, top, bottom)
            slices.append(Chart(f"rotation-graph-{number}", f"{title} ({number}/{len(windows)})",
                                _styled(part, f"-{number}"), graph_png(part), GRAPH_WIDTH_CM))
    # cut in slices, the whole drawing's PNG is never placed: its first slice stands for it
    png = slices[0].png if slices else graph_png(svg)
    return Chart("rotation-graph", title, _styled(svg), png, GRAPH_WIDTH_CM, slices)


_NS = "{http://www.w3.org/2000/svg}"


def _extent(element) -> tuple[float, float] | None:
    """The vertical extent of a top-level element of the graph (None: drawn everywhere)."""
    ys: list[float] = []
    for node in element.iter():
        tag = node.tag.replace(_NS, "")
        if tag == "rect":
            ys += [float(node.get("y")), float(node.get("y")) + float(node.get("height"))]
        elif tag == "text":
            ys += [float(node.get("y")) - 14, float(node.get("y")) + 4]
        elif tag == "path" and element.tag.replace(_NS, "") == "g":
            ys += [y for _x, y in _px_points(node.get("d") or "")]
    return (min(ys), max(ys)) if ys else None


def graph_windows(svg: str, limit: float) -> list[tuple[float, float]]:
    """Page-high windows over the graph, cut just above a line of boxes (never through one)."""
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg)
    _, _, _width, height = (float(v) for v in root.get("viewBox").split())
    if height <= limit:
        return [(0.0, height)]
    # a line starts with its caption 34 px above its boxes
    tops = sorted({float(r.get("y")) - 34 for r in root.iter(f"{_NS}rect")})
    cuts = [t - 4 for t in tops if t > 0]
    windows, start = [], 0.0
    previous = None
    for cut in cuts:
        if cut - start > limit and previous is not None and previous > start:
            windows.append((start, previous))
            start = previous
        previous = cut
    if height - start > limit and previous is not None and previous > start:
        windows.append((start, previous))
        start = previous
    windows.append((start, height))
    return windows


def svg_window(svg: str, top: float, bottom: float) -> str:
    """The graph between two heights: the elements that reach into that band, in a view
    box of that band."""
    import xml.etree.ElementTree as ET

    ET.register_namespace("", _NS[1:-1])
    root = ET.fromstring(svg)
    _, _, width, _height = (float(v) for v in root.get("viewBox").split())
    for element in list(root):
        if element.tag.replace(_NS, "") == "defs":
            continue
        extent = _extent(element)
        if extent is not None and (extent[1] < top or extent[0] > bottom):
            root.remove(element)
    root.set("viewBox", f"0 {top:g} {width:g} {bottom - top:g}")
    root.set("height", f"{bottom - top:g}")
    return ET.tostring(root, encoding="unicode")


def _px_points(d: str) -> list[tuple[float, float]]:
    """The points of an SVG path made of M and L commands ("M10,20 L30,20 L30,40")."""
    points = []
    for token in re.findall(r"[ML]\s*-?[\d.]+\s*,\s*-?[\d.]+", d):
        x, y = token[1:].split(",")
        points.append((float(x), float(y)))
    return points


def graph_png(svg: str, dpi: int = 200) -> bytes:
    """Rasterise the chain graph's SVG with matplotlib: the rectangles, texts and M/L paths
    with end markers that `rotation_graph` writes, styled as the page styles them. (No SVG
    library is needed: the drawing uses only these elements.)"""
    import xml.etree.ElementTree as ET

    from matplotlib.patches import FancyBboxPatch, Polygon
    import matplotlib.patheffects as effects

    ns = "{http://www.w3.org/2000/svg}"
    root = ET.fromstring(svg)
    _x0, top, width, height = (float(v) for v in root.get("viewBox").split())
    colours = GRAPH_STYLE
    pt = 0.75   # 1 px of the page = 0.75 pt

    def text(ax, node, size: float, colour: str, bold: bool = False, halo: bool = False) -> None:
        anchor = {"middle": "center", "end": "right"}.get(node.get("text-anchor", "start"), "left")
        item = ax.text(float(node.get("x")), float(node.get("y")), node.text or "", fontsize=size * pt, color=colour,
                       fontweight="bold" if bold else "normal", ha=anchor, va="baseline", family="DejaVu Sans")
        if halo:
            item.set_path_effects([effects.withStroke(linewidth=3 * pt, foreground="white")])

    with _lock:
        plt = _plt()
        fig = plt.figure(figsize=(width / 96, height / 96))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, width)
        ax.set_ylim(top + height, top)
        ax.axis("off")
        for element in root:
            tag = element.tag.replace(ns, "")
            classes = (element.get("class") or "").split()
            if tag == "text" and "caption" in classes:
                text(ax, element, GRAPH_FONT_PX["caption"], colours["ink"], bold=True)
            elif tag == "g" and "node" in classes:
                rect = element.find(f"{ns}rect")
                is_open, outside = "node-open" in classes, "node-outside" in classes
                x, y = float(rect.get("x")), float(rect.get("y"))
                w, h = float(rect.get("width")), float(rect.get("height"))
                ax.add_patch(FancyBboxPatch(
                    (x, y), w, h, boxstyle="round,pad=0,rounding_size=4",
                    facecolor=colours["outside"] if outside else colours["open_fill"] if is_open else "white",
                    edgecolor=colours["bad"] if is_open else colours["box"], linewidth=1.2 * pt,
                    linestyle=(0, (5, 3)) if is_open else (0, (2, 2)) if outside else "solid"))
                for item in element.findall(f"{ns}text"):
                    kind = item.get("class") or ""
                    if kind == "unit":
                        text(ax, item, GRAPH_FONT_PX["unit"], colours["muted"])
                    elif kind == "open":
                        text(ax, item, GRAPH_FONT_PX["open"], colours["bad"], bold=True)
                    else:
                        text(ax, item, GRAPH_FONT_PX["node"], colours["ink"])
            elif tag == "g" and "edge" in classes:
                points = _px_points(element.find(f"{ns}path").get("d"))
                if len(points) >= 2:
                    xs, ys = zip(*points, strict=False)
                    ax.plot(xs, ys, color=colours["link"], linewidth=1.6 * pt, solid_joinstyle="miter",
                            solid_capstyle="butt")
                    (x1, y1), (x2, y2) = points[-2], points[-1]
                    length = math.hypot(x2 - x1, y2 - y1) or 1.0
                    ux, uy = (x2 - x1) / length, (y2 - y1) / length
                    size = 7 * 1.6          # markerWidth × stroke width, as the browser draws it
                    tip = (x2 + ux * size * 0.1, y2 + uy * size * 0.1)
                    base = (tip[0] - ux * size, tip[1] - uy * size)
                    ax.add_patch(Polygon([tip, (base[0] - uy * size / 2, base[1] + ux * size / 2),
                                          (base[0] + uy * size / 2, base[1] - ux * size / 2)],
                                         closed=True, facecolor=colours["link"], edgecolor="none"))
                label = element.find(f"{ns}text")
                if label is not None:
                    text(ax, label, GRAPH_FONT_PX["edge"], colours["link"], bold=True, halo=True)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white")
        plt.close(fig)
    return buffer.getvalue()


@dataclass
class BeforeAfter:
    label: str                   # "Nữ · Xã"
    before: float                # share 0..1
    after: float
    words: str                   # "2/12 → 3/12"
    target: float | None = None


def structure_before_after(rows: list[BeforeAfter], title: str) -> Chart:
    """Paired bars: each share of the leadership in play before (light grey) and after the
    plan (dark grey; hatched when it fell), the target marked where there is one."""
    with _lock:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(6.8, 0.62 * max(1, len(rows)) + 1.0))
        y = list(range(len(rows)))[::-1]
        for yi, row in zip(y, rows, strict=False):
            fell = row.after < row.before
            ax.barh(yi + 0.17, min(row.before, 1.0), height=0.32, color="#d0d0d0", edgecolor="#000", linewidth=0.4,
                    label=gettext("Trước") if yi == y[0] else None)
            ax.barh(yi - 0.17, min(row.after, 1.0), height=0.32, color=BAD if fell else OK, edgecolor="#000",
                    linewidth=0.4, hatch=SHORT_HATCH if fell else None, label=gettext("Sau") if yi == y[0] else None)
            if row.target:
                ax.plot([row.target, row.target], [yi - 0.4, yi + 0.4], color=TARGET, linewidth=2)
            ax.text(1.02, yi, row.words, va="center", fontsize=9, color="#000")
        ax.set_yticks(y, [r.label for r in rows])
        ax.set_xlim(0, 1)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0%", "25%", "50%", "75%", "100%"])
        ax.spines["left"].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False, fontsize=9)
        return _save(fig, "structure-before-after", title, 16.0)
