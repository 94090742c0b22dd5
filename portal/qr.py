"""QR codes drawn on the server as inline SVG: no outside service, no script."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from markupsafe import Markup


def qr_svg(data: str, css_class: str = "qr-code") -> Markup:
    """The code as an <svg> element; hidden from screen readers, so give the same content as text beside it."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode().split("?>", 1)[-1]  # inline in HTML: no XML declaration
    svg = svg.replace(' id="qr-path"', "")  # several codes on one page must not repeat an id
    # The SVG is the QR library's own output, and css_class comes from our templates.
    return Markup(svg.replace("<svg ", f'<svg class="{css_class}" aria-hidden="true" focusable="false" ', 1))  # noqa: S704
