"""Bar charts as inline SVG: no JavaScript, scales to a phone screen, with the numbers in a table beside it.

The template writes every coordinate with ``|unlocalize``: LANGUAGE_CODE "vi" would otherwise print ``28,8``, which
SVG does not read (every bar vanished)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    height: float
    label: str
    value: int
    tick: str
    tick_x: float = 0.0


# A 10px digit of the site's sans-serif is about 8.4 units wide in the 600-unit chart: half a label, rounded up.
HALF_CHAR = 4.5


def _tick_x(centre: float, label: str, width: int) -> float:
    """The label centred under its bar (text-anchor="middle"), moved in just enough to stay inside the chart."""
    half = len(label) * HALF_CHAR
    return round(min(max(centre, half), width - half), 1)


def bars(rows, width: int = 600, height: int = 160, every: int = 1) -> dict:
    values = [row.humans for row in rows]
    top = max(values, default=0) or 1
    slot = width / max(len(rows), 1)
    bar_width = round(slot * 0.7, 1)
    out = []
    for index, row in enumerate(rows):
        h = (row.humans / top) * (height - 20)
        x = round(index * slot + slot * 0.15, 1)
        out.append(
            Bar(
                x=x,
                y=round(height - 14 - h, 1),
                height=round(h, 1),
                label=row.label,
                value=row.humans,
                tick=row.label if index % every == 0 else "",
                tick_x=_tick_x(x + bar_width / 2, row.label, width),
            )
        )
    return {"bars": out, "width": width, "height": height, "bar_width": bar_width, "max": top}
