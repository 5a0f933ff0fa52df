"""Barcode labels as bytes: pure functions, no database, no web framework.

* ``SVG``: Code 128 (python-barcode's SVG writer, human-readable text below), or a
  QR code (segno) with ``symbology="QR"``;
* ``PNG``: a QR code (segno; python-barcode's PNG writer would need Pillow);
* ``ZPL``: a hand-written Zebra label (``^BC`` Code 128, ``^CI28`` UTF-8 text,
  ``^FH`` hex escapes for ``^``, ``~`` and ``_``) for 4x2 inch labels at 203 dpi.

Every function returns ``(content, content_type)``. An HTTP route serving them
needs a kernel route hook; GraphQL exposes them through ``label(...)``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

FORMATS = ("SVG", "PNG", "ZPL")
SYMBOLOGIES = ("CODE128", "QR")
CONTENT_TYPES = {"SVG": "image/svg+xml", "PNG": "image/png", "ZPL": "application/x-zpl"}


@dataclass(frozen=True)
class LabelData:
    """What goes on a label: the encoded ``value`` and two human-readable lines."""

    value: str
    title: str = ""
    subtitle: str = ""


def _check_value(value: str) -> str:
    if not value:
        raise ValueError("a label needs a value to encode")
    if any(ord(c) < 32 or ord(c) > 126 for c in value):
        raise ValueError("Code 128 labels encode printable ASCII only")
    return value


def code128_svg(value: str) -> bytes:
    """A Code 128 barcode as SVG, the value printed under the bars."""
    import barcode
    from barcode.writer import SVGWriter

    code = barcode.get("code128", _check_value(value), writer=SVGWriter())
    out = io.BytesIO()
    code.write(out, options={"module_width": 0.25, "module_height": 12.0, "font_size": 8, "text_distance": 4.0,
                             "quiet_zone": 4.0})
    return out.getvalue()


def qr_png(value: str, *, scale: int = 6) -> bytes:
    """A QR code as PNG (segno), error correction M."""
    import segno

    out = io.BytesIO()
    segno.make(value, error="m", micro=False).save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def qr_svg(value: str, *, scale: int = 6) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(value, error="m", micro=False).save(out, kind="svg", scale=scale, border=2, xmldecl=True)
    return out.getvalue()


def _zpl_field(text: str) -> str:
    """Field data escaped for ``^FH`` (underscore hex escapes)."""
    out = []
    for ch in text:
        if ch in "^~_\\" or ord(ch) < 32:
            out.append("".join(f"_{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def zpl_label(data: LabelData) -> bytes:
    """A 4x2 inch (812x406 dots) Zebra label: title, Code 128 with interpretation line, subtitle."""
    value = _check_value(data.value)
    lines = [
        "^XA",
        "^CI28",
        "^PW812",
        "^LL406",
        f"^FO30,25^A0N,36,36^FB750,1,0,L^FH^FD{_zpl_field(data.title[:60])}^FS",
        f"^FO30,80^BY2,3,150^BCN,150,Y,N,N^FH^FD{_zpl_field(value)}^FS",
        f"^FO30,330^A0N,28,28^FB750,1,0,L^FH^FD{_zpl_field(data.subtitle[:80])}^FS",
        "^XZ",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def render(data: LabelData, fmt: str, symbology: str = "CODE128") -> tuple[bytes, str]:
    """Render a label in ``fmt`` (``SVG``, ``PNG``, ``ZPL``); returns ``(bytes, content type)``.

    ``PNG`` is always a QR code; ``SVG`` is Code 128 unless ``symbology="QR"``;
    ``ZPL`` is Code 128.
    """
    fmt = fmt.upper()
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}")
    if symbology.upper() not in SYMBOLOGIES:
        raise ValueError(f"symbology must be one of {', '.join(SYMBOLOGIES)}")
    if fmt == "PNG":
        return qr_png(data.value), CONTENT_TYPES[fmt]
    if fmt == "ZPL":
        return zpl_label(data), CONTENT_TYPES[fmt]
    if symbology.upper() == "QR":
        return qr_svg(data.value), CONTENT_TYPES[fmt]
    return code128_svg(data.value), CONTENT_TYPES[fmt]
