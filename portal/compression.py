"""Pages, JSON, calendar files and SVG compressed by the app itself, with brotli or gzip as the browser
asks (Accept-Encoding), so that `make run` and gunicorn send the same small responses without a proxy
in front. Static files are not handled here: WhiteNoise serves their pre-compressed twins (portal/assets.py)."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress


def init_app(app: Flask) -> None:
    # Which algorithms, types and brotli level: COMPRESS_* in portal/config.py.
    Compress(app)
