"""Bar charts as inline SVG: no JavaScript, scales to a phone screen, with the numbers in a table beside it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: int
    tick: str


def bars(rows, width: int = 600, height: int = 160, every: int = 1) -> dict:
    values = [row.humans for row in rows]
    top = max(values, default=0) or 1
    slot = width / max(len(rows), 1)
    out = []
    for index, row in enumerate(rows):
        h = (row.humans / top) * (height - 20)
        out.append(
            Bar(
                x=round(index * slot + slot * 0.15, 1),
                y=round(height - 14 - h, 1),
                height=round(h, 1),
                label=row.label,
                value=row.humans,
                tick=row.label if index % every == 0 else "",
            )
        )
    return {"bars": out, "width": width, "height": height, "bar_width": round(slot * 0.7, 1), "max": top}
