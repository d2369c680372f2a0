"""The rotation drawings as SVG: the vacancy chains and cycles of a plan, and the sweep
chart. Flask-free: the words they write come in as arguments (`GraphLabels`,
`SweepLabels`), translated by the caller — the plan page in the user's language, the
decision report in Vietnamese — so `reports/` draws without importing `web/`.

The chains are the solver's (`services.rotation.chains`): drawn, not decomposed again.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from markupsafe import Markup, escape

from quyhoach.services.rotation import chains as plan_chains


@dataclass(frozen=True)
class GraphLabels:
    """The graph's words. The captions are %-formats with n (the number) and k (moves)."""

    vacant: str = "để trống"
    outside: str = "ngoài danh sách vị trí"
    cycle_caption: str = "Vòng %(n)s: %(k)s lượt điều động khép kín"
    chain_caption: str = "Chuỗi %(n)s: %(k)s lượt điều động"
    title: str = "Sơ đồ các chuỗi điều động"


@dataclass(frozen=True)
class SweepLabels:
    objective: str = "Giá trị mục tiêu"
    moves: str = "Số lượt điều động"


def number_text(value, decimals: int = 0) -> str:
    """1.234,5 as Vietnamese writes numbers (as the pages' `number` filter does)."""
    if value is None:
        return ""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u202f").replace(".", ",").replace("\u202f", ".")


def percent_text(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    return number_text(value * 100, decimals) + "%"


NODE_W, NODE_H, GAP, ROW_GAP, PER_LINE, MARGIN = 170, 54, 96, 30, 5, 14


def _wrap(text: str, width: int, lines: int) -> list[str]:
    parts = textwrap.wrap(text, width) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return parts


def _short_name(name: str) -> str:
    """"Nguyễn Thị Thu Hương" → "N. T. T. Hương" when a full name does not fit between two
    boxes (GAP: about 11 characters of the arrow's bold 11 px words)."""
    words = name.split()
    if len(name) <= 11 or len(words) < 2:
        return name
    return " ".join(w[0] + "." for w in words[:-1]) + " " + words[-1]


def rotation_graph(plan: dict, cadres: dict, posts: dict, units: dict, labels: GraphLabels = GraphLabels(),
                   per_line: int = PER_LINE) -> Markup:
    """The vacancy chains and cycles of a plan as SVG: posts are boxes, a move is an arrow
    from the post a cadre leaves to the post they take, labelled with the cadre. The chains
    are the plan's (`chains.components`, longest first); each is laid out on its own rows,
    `per_line` posts a line (five on the plan page; the printed report asks for fewer, so
    that the drawing is printed large enough to read, `charts.GRAPH_PER_LINE`)."""
    if not plan.get("moves", []):
        return Markup("")
    components = plan_chains.components(plan)

    parts: list[str] = []
    width = MARGIN * 2 + per_line * NODE_W + (per_line - 1) * GAP
    opened_label = escape(labels.vacant)
    outside_label = escape(labels.outside)
    # Lines of slots: a long chain takes lines of its own; short ones share a line
    # (first fit, longest first), each with its caption above its first post.
    lines_of: list[list[tuple[int, int]]] = []      # per line: (component index, first slot)
    free: list[int] = []                            # free slots left on each shared line
    placement: dict[int, tuple[int, int]] = {}      # component -> (first line, first slot)
    for index, component in enumerate(components):
        order = component.order
        if len(order) > per_line:
            placement[index] = (len(lines_of), 0)
            for _ in range(math.ceil(len(order) / per_line)):
                lines_of.append([])
                free.append(0)
            continue
        line = next((i for i, room in enumerate(free) if room >= len(order)), None)
        if line is None:
            lines_of.append([])
            free.append(per_line)
            line = len(lines_of) - 1
        placement[index] = (line, per_line - free[line])
        free[line] -= len(order)
    line_h = 18 + 16 + NODE_H + ROW_GAP
    top_of = [MARGIN + i * line_h for i in range(len(lines_of))]
    # a cycle closes under its last line: give that line more room
    extra = [0] * len(lines_of)
    for index, component in enumerate(components):
        kind, order = component.kind, component.order
        if kind == "cycle":
            extra[placement[index][0] + (len(order) - 1) // per_line] = 18
    for i in range(1, len(top_of)):
        top_of[i] = top_of[i - 1] + line_h + extra[i - 1]

    for number, component in enumerate(components, 1):
        kind, order = component.kind, component.order
        first_line, first_slot = placement[number - 1]
        words = {"n": number, "k": len(component.edges)}
        caption = (labels.cycle_caption if kind == "cycle" else labels.chain_caption) % words
        cx = MARGIN + first_slot * (NODE_W + GAP)
        parts.append(f'<text class="caption" x="{cx}" y="{top_of[first_line] + 11}">{escape(caption)}</text>')
        positions = {}
        for index, node in enumerate(order):
            line, col = divmod(index, per_line)
            positions[node] = (MARGIN + (first_slot + col) * (NODE_W + GAP), top_of[first_line + line] + 34)
        last_line = first_line + (len(order) - 1) // per_line
        for node in order:
            x0, y0 = positions[node]
            if node.startswith(plan_chains.OUTSIDE):
                title_lines, unit_line, cls = [str(outside_label)], "", "node node-outside"
                tip = outside_label
            else:
                post = posts.get(node, {})
                name = post.get("name") or node
                unit_name = units.get(post.get("unit"), post.get("unit", ""))
                title_lines = [str(escape(t)) for t in _wrap(name, 26, 2)]
                unit_line = str(escape(_wrap(unit_name, 28, 1)[0])) if unit_name and unit_name not in name else ""
                cls = "node node-open" if component.vacated(node) else "node"
                tip = escape(f"{name} · {unit_name}")
            parts.append(f'<g class="{cls}"><title>{tip}</title>'
                         f'<rect x="{x0}" y="{y0}" width="{NODE_W}" height="{NODE_H}" rx="4"/>')
            for i, text in enumerate(title_lines):
                parts.append(f'<text x="{x0 + 7}" y="{y0 + 15 + i * 13}">{text}</text>')
            if unit_line:
                parts.append(f'<text class="unit" x="{x0 + 7}" y="{y0 + NODE_H - 7}">{unit_line}</text>')
            if cls == "node node-open":
                parts.append(f'<text class="open" x="{x0 + NODE_W - 6}" y="{y0 + NODE_H - 7}" '
                             f'text-anchor="end">{opened_label}</text>')
            parts.append("</g>")
        for u, v, cadre_code in component.edges:
            (ux, uy), (vx, vy) = positions[u], positions[v]
            cadre = cadres.get(cadre_code, {})
            name = cadre.get("name") or cadre_code
            label = escape(_short_name(name))
            tip = escape(f"{name} ({cadre_code})")
            if vy == uy and vx > ux:        # the next post on the same line
                x1, x2, ym = ux + NODE_W, vx - 2, uy + NODE_H / 2
                path = f"M{x1},{ym} L{x2},{ym}"
                lx, ly = (x1 + x2) / 2, ym - 6
            elif vy > uy:                   # wrapping to the next line: down, left, down
                x1, y1 = ux + NODE_W / 2, uy + NODE_H
                x2, y2 = vx + NODE_W / 2, vy - 2
                ymid = y1 + (vy - y1) / 2 + 6
                path = f"M{x1},{y1} L{x1},{ymid} L{x2},{ymid} L{x2},{y2}"
                lx, ly = (x1 + x2) / 2, ymid - 4
            else:                           # closing a cycle: under its last line, back to the start
                bottom = top_of[last_line] + 34 + NODE_H + 16
                x1, y1 = ux + NODE_W / 2 + 10, uy + NODE_H
                if vy == uy:                # under the line, up into the first post
                    x2, y2 = vx + NODE_W / 2 - 10, vy + NODE_H + 2
                    path = f"M{x1},{y1} L{x1},{bottom} L{x2},{bottom} L{x2},{y2}"
                    lx, ly = (x1 + x2) / 2, bottom - 4
                else:                       # several lines: along the left margin, into its side
                    ym = vy + NODE_H / 2
                    path = f"M{x1},{y1} L{x1},{bottom} L{MARGIN / 2},{bottom} L{MARGIN / 2},{ym} L{vx - 2},{ym}"
                    lx, ly = (x1 + MARGIN) / 2, bottom - 4
            parts.append(f'<g class="edge"><title>{tip}</title><path d="{path}" marker-end="url(#arrow)"/>'
                         f'<text x="{lx}" y="{ly}" text-anchor="middle">{label}</text></g>')
    y = top_of[-1] + line_h + extra[-1] - ROW_GAP + 6 if lines_of else MARGIN
    height = y + MARGIN
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(labels.title)}">'
            '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
            'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>')
    return Markup(head + "".join(parts) + "</svg>")


def sweep_chart(points: list[tuple[float | None, int | None, int | None]], as_share: bool,
                labels: SweepLabels = SweepLabels()) -> Markup:
    """Objective and number of moves against the swept value (`points`: value, objective,
    moves per run; a share when `as_share`): two small line charts side by side, sharing
    the horizontal axis."""
    rows = [(value, objective, moves) for value, objective, moves in points
            if objective is not None and value is not None]
    if len(rows) < 1:
        return Markup("")
    xs = [r[0] for r in rows]

    def x_text(v: float) -> str:
        return percent_text(v) if as_share else number_text(v)

    def chart(values: list[float], title: str) -> str:
        w, h, left, right, top, bottom = 420, 220, 64, 16, 34, 34
        lo_x, hi_x = min(xs), max(xs)
        lo_y, hi_y = min(values), max(values)
        # round ticks (1, 2 or 5 × 10^k) covering the values with a little room
        span = max(hi_y - lo_y, 1)
        step = 10 ** math.floor(math.log10(span / 4)) if span >= 4 else 1
        for factor in (1, 2, 5, 10):
            if span / (step * factor) <= 4:
                step *= factor
                break
        lo_y = math.floor(lo_y / step) * step - (step if lo_y % step == 0 else 0)
        hi_y = math.ceil(hi_y / step) * step + (step if hi_y % step == 0 else 0)
        ticks = [lo_y + i * step for i in range(int(round((hi_y - lo_y) / step)) + 1)]

        def px(v):
            return left + (0.5 if hi_x == lo_x else (v - lo_x) / (hi_x - lo_x)) * (w - left - right)

        def py(v):
            return top + (1 - (v - lo_y) / (hi_y - lo_y)) * (h - top - bottom)

        out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
               f'aria-label="{escape(title)}"><text class="title" x="{left}" y="15">{escape(title)}</text>']
        for v in ticks:
            out.append(f'<line class="grid" x1="{left}" x2="{w - right}" y1="{py(v):.1f}" y2="{py(v):.1f}"/>'
                       f'<text class="axis" x="{left - 6}" y="{py(v) + 4:.1f}" text-anchor="end">{escape(number_text(v))}</text>')
        for x in xs:
            out.append(f'<text class="axis" x="{px(x):.1f}" y="{h - bottom + 16}" '
                       f'text-anchor="middle">{escape(x_text(x))}</text>')
        line = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v in zip(xs, values, strict=False))
        out.append(f'<polyline class="line" points="{line}"/>')
        for x, v in zip(xs, values, strict=False):
            out.append(f'<circle class="dot" cx="{px(x):.1f}" cy="{py(v):.1f}" r="4"/>'
                       f'<text class="value" x="{px(x):.1f}" y="{py(v) - 8:.1f}" '
                       f'text-anchor="middle">{escape(number_text(v))}</text>')
        out.append("</svg>")
        return "".join(out)

    objective = chart([r[1] for r in rows], labels.objective)
    moves = chart([r[2] or 0 for r in rows], labels.moves)
    return Markup(f'<div class="sweep-charts"><figure class="chart">{objective}</figure>'
                  f'<figure class="chart">{moves}</figure></div>')
