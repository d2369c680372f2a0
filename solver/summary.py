"""A plan in a few Vietnamese lines (the `quyhoach solve` command prints these)."""

from __future__ import annotations

from .messages import KIND_LABELS, STATUS_LABELS
from .model import MOVE_KINDS, Plan, Problem


def _n(value: int | None) -> str:
    """Vietnamese digit grouping: 43.504 ("-" when there is no value)."""
    return "-" if value is None else f"{value:,}".replace(",", ".")


def summary_lines(problem: Problem, plan: Plan) -> list[str]:
    lines = [f"Bài toán {problem.name or problem.id}: {len(problem.cadres)} cán bộ, {len(problem.posts)} vị trí, "
             f"{len(problem.candidates)} đề xuất."]
    status = STATUS_LABELS.get(plan.status, plan.status)
    if not plan.ok:
        lines.append(f"Kết quả: {status} ({plan.time:.2f} giây).".replace(".", ",", 1))
        if plan.diagnosis is not None and plan.diagnosis.conflicts:
            lines.append(plan.diagnosis.summary.split(": ")[0] + ":")
            lines += [f"  - {c.message}" for c in plan.diagnosis.conflicts]
            if not plan.diagnosis.verified:
                lines.append("  (hết thời gian trước khi kiểm tra lại được danh sách này: giải lại với thời gian "
                             "cho phép dài hơn để kiểm tra)")
            elif not plan.diagnosis.minimal:
                lines.append("  (hết thời gian trước khi thu gọn xong: giải lại với thời gian cho phép dài hơn "
                             "để có danh sách ngắn nhất)")
        elif plan.diagnosis is not None and plan.diagnosis.summary:
            lines.append(plan.diagnosis.summary)         # a whole sentence: nothing named
        lines += [f"Lưu ý: {w}" for w in plan.warnings[:10]]
        return lines
    gap = "" if plan.gap is None else f", khoảng cách {plan.gap:.4%}".replace(".", ",")
    bound = "" if plan.bound is None else f", cận trên {_n(plan.bound)}"
    seconds = f"{plan.time:.2f}".replace(".", ",")
    lines.append(f"Kết quả: {status}; mục tiêu {_n(plan.objective)}{bound}{gap}; {seconds} giây.")
    lines.append("Các thành phần mục tiêu:")
    for t in plan.terms:
        factor = "" if t.name == "structure" else f" × {t.weight}"      # targets may weigh differently
        lines.append(f"  {t.label}: {_n(t.value)}{factor} → {'+' if t.contribution >= 0 else ''}{_n(t.contribution)}")
    chains = sum(1 for c in plan.chains if c.kind == "chain")
    cycles = sum(1 for c in plan.chains if c.kind == "cycle")
    lines.append(f"Điều động: {len(plan.moves)} lượt; {chains} chuỗi vị trí trống, {cycles} hoán đổi vòng.")
    kinds = {k: sum(1 for m in plan.moves if m.move_kind == k) for k in MOVE_KINDS}
    if any(kinds[k] for k in MOVE_KINDS if k != "rotation"):
        lines.append("Theo loại: " + "; ".join(f"{KIND_LABELS[k]} {n}" for k, n in kinds.items() if n) + ".")
    short = [f for f in plan.structure if f.shortfall_after]
    better = sum(1 for f in plan.structure if f.shortfall_after < f.shortfall_before)
    lines.append(f"Cơ cấu: {len(plan.structure)} chỉ tiêu, {better} được cải thiện, {len(short)} còn thiếu.")
    for f in short[:5]:
        lines.append(f"  - {f.name or f.target}: có {f.after}, cần {f.need if f.need is not None else '-'}"
                     f"{'' if f.cap is None else f', tối đa {f.cap}'}")
    if plan.alternatives:
        lines.append("Phương án thay thế: " + "; ".join(
            f"{_n(a.objective)} (khác {a.difference} lượt)" for a in plan.alternatives))
    lines += [f"Lưu ý: {w}" for w in plan.warnings[:10]]
    return lines
