"""Pages, JSON, calendar files and SVG compressed by the app itself, with brotli or gzip as the browser
asks (Accept-Encoding), so that `make run` and gunicorn send the same small responses without a proxy
in front. Static files are not handled here: WhiteNoise serves their pre-compressed twins (portal/assets.py)."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress

MIMETYPES = ["text/html", "application/json", "text/calendar", "image/svg+xml", "text/css",
             "text/javascript", "application/javascript", "text/plain"]


def init_app(app: Flask) -> None:
    # Only the two every browser and calendar app understands: zstd and deflate add nothing for them.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br"])
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    # Brotli 5 on a 45 KB page costs about a millisecond and sends about a tenth of it.
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    Compress(app)
