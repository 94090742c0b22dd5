"""Static files served by WhiteNoise under content-hashed names, so browsers may cache them forever.

At start-up each file in static/ is copied once to instance/assets/ as name.<hash>.ext with gzip and
brotli twins beside it; templates ask for `asset_url("css/portal.css")`.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import brotli
from flask import Flask
from whitenoise import WhiteNoise

from portal.security import add_static_headers

COMPRESSIBLE = {".css", ".js", ".svg", ".txt", ".json"}


def build(static_dir: Path, out_dir: Path) -> dict[str, str]:
    """Copy every static file to its hashed name (skipping ones already there); return the manifest."""
    manifest = {}
    for source in sorted(p for p in static_dir.rglob("*") if p.is_file()):
        relative = source.relative_to(static_dir)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()[:12]
        hashed = relative.with_name(f"{relative.stem}.{digest}{relative.suffix}")
        target = out_dir / hashed
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        if source.suffix in COMPRESSIBLE:
            # WhiteNoise sends the brotli twin to browsers that accept br (all current ones; about a
            # tenth smaller than gzip for htmx), the gzip twin to the rest. Made once per content hash.
            for suffix, compress in ((".gz", lambda data: gzip.compress(data, 9, mtime=0)),
                                     (".br", lambda data: brotli.compress(data, quality=11))):
                twin = target.with_name(target.name + suffix)
                if not twin.exists():
                    # Written aside and renamed: another worker starting at the same time never
                    # serves half a file.
                    partial = twin.with_name(f"{twin.name}.{os.getpid()}.tmp")
                    partial.write_bytes(compress(source.read_bytes()))
                    partial.replace(twin)
        manifest[relative.as_posix()] = hashed.as_posix()
    return manifest


def init_app(app: Flask) -> None:
    static_dir = Path(app.root_path).parent / "static"
    out_dir = Path(app.instance_path) / "assets"
    manifest = build(static_dir, out_dir)
    # Flask's own middleware pattern; its stubs type wsgi_app as a method.
    app.wsgi_app = WhiteNoise(app.wsgi_app, root=str(out_dir), prefix="static/",  # type: ignore[method-assign]
                              immutable_file_test=lambda path, url: True, add_headers_function=add_static_headers)
    app.jinja_env.globals["asset_url"] = lambda name: f"/static/{manifest[name]}"
