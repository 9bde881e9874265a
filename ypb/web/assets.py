"""Static files under names that carry a hash of their content, and compressed responses.

`url_for('static', filename='css/app.css')` builds /static/css/app.<hash>.css: browsers may keep
that for a year without asking again, because a changed file gets a new name. The plain name
still works with a short cache lifetime (for links made outside the templates); a name with a
hash that is not the file's current one is not found, so a stale page never gets new content
under an old name. Hashes come from the files' bytes, so every worker process agrees on them.

Text files (CSS, JavaScript, SVG) are compressed once, at the strongest level, the first time
they are asked for; pages and JSON are compressed per response by Flask-Compress.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, request, send_from_directory
from flask_compress import Compress

try:
    import brotli
except ImportError:  # pragma: no cover - Flask-Compress needs it; kept optional here
    brotli = None

HASH_LENGTH = 10
LONG_CACHE = 31_536_000  # a year: the name changes when the content does
SHORT_CACHE = 300  # plain names: a changed file reaches browsers within minutes
PRECOMPRESSED = {".css", ".js", ".mjs", ".svg", ".json", ".txt", ".xml", ".map"}
ENCODINGS = ("br", "gzip") if brotli else ("gzip",)  # in order of preference

compress = Compress()


@dataclass(frozen=True)
class Asset:
    name: str  # path under static/, with "/" separators
    hashed: str  # the same with the content hash before the extension
    digest: str
    stamp: tuple[int, int]  # (mtime_ns, size) when hashed, to notice edits in development


def hashed_name(name: str, digest: str) -> str:
    """css/app.css -> css/app.<digest>.css; a name without an extension gets it at the end."""
    folder, _, base = name.rpartition("/")
    stem, dot, ext = base.rpartition(".")
    base = f"{stem}.{digest}.{ext}" if dot and stem else f"{base}.{digest}"
    return f"{folder}/{base}" if folder else base


class Assets:
    """The static folder's files and their hashed names."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.by_name: dict[str, Asset] = {}
        self.by_hashed: dict[str, Asset] = {}
        self._encoded: dict[tuple[str, str], bytes] = {}  # (digest, encoding) -> body
        if self.folder.is_dir():
            for root, dirs, files in os.walk(self.folder):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for file in sorted(files):
                    if not file.startswith("."):
                        self._add(Path(root, file).relative_to(self.folder).as_posix())

    def _add(self, name: str) -> Asset | None:
        path = self.folder / name
        try:
            stat = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]
        except OSError:
            return None
        old = self.by_name.get(name)
        if old is not None:
            self.by_hashed.pop(old.hashed, None)
        asset = Asset(name, hashed_name(name, digest), digest, (stat.st_mtime_ns, stat.st_size))
        self.by_name[name] = self.by_hashed[asset.hashed] = asset
        return asset

    def _fresh(self, asset: Asset) -> Asset:
        """In development a file can change while the app runs: hash it again when it has."""
        try:
            stat = (self.folder / asset.name).stat()
        except OSError:
            return asset
        if (stat.st_mtime_ns, stat.st_size) == asset.stamp:
            return asset
        return self._add(asset.name) or asset

    def url_name(self, name: str) -> str:
        """The name templates should link to: the hashed one when the file is known."""
        asset = self.by_name.get(name)
        if asset is None:
            return name
        if current_app.debug:
            asset = self._fresh(asset)
        return asset.hashed

    def lookup(self, filename: str) -> tuple[Asset | None, bool]:
        """The asset a requested name means, and whether the name carried its current hash."""
        if current_app.debug:
            for asset in list(self.by_name.values()):
                self._fresh(asset)
        if filename in self.by_hashed:
            return self.by_hashed[filename], True
        return self.by_name.get(filename), False

    def encoded(self, asset: Asset, encoding: str) -> bytes:
        key = (asset.digest, encoding)
        body = self._encoded.get(key)
        if body is None:
            raw = (self.folder / asset.name).read_bytes()
            # mtime=0: the same bytes from every worker and every start.
            body = brotli.compress(raw, quality=11) if encoding == "br" else gzip.compress(raw, 9, mtime=0)
            self._encoded[key] = body
        return body


def _best_encoding() -> str | None:
    accepted = request.accept_encodings
    best, best_q = None, 0.0
    for encoding in ENCODINGS:
        q = accepted[encoding]
        if q > best_q:
            best, best_q = encoding, q
    return best


def serve_static(filename: str):
    """The `static` endpoint: hashed names for a year, plain names for minutes."""
    assets: Assets = current_app.extensions["ypb_assets"]
    asset, hashed = assets.lookup(filename)
    max_age = LONG_CACHE if hashed else SHORT_CACHE
    if asset is None:
        # Not seen at start (a file added later): served as it is, briefly cached; 404 if absent.
        response = send_from_directory(current_app.static_folder, filename, max_age=SHORT_CACHE)
    else:
        encoding = _best_encoding() if Path(asset.name).suffix.lower() in PRECOMPRESSED else None
        if encoding is None:
            response = send_from_directory(current_app.static_folder, asset.name, max_age=max_age)
        else:
            mimetype = mimetypes.guess_type(asset.name)[0] or "application/octet-stream"
            response = current_app.response_class(assets.encoded(asset, encoding), mimetype=mimetype)
            response.headers["Content-Encoding"] = encoding
            response.set_etag(f"{asset.digest}-{encoding}")
            response = response.make_conditional(request)
    response.vary.add("Accept-Encoding")
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.cache_control.no_cache = None
    response.cache_control.immutable = hashed
    return response


def init_app(app: Flask) -> None:
    """Compression and hashed static names. Call before other after-request hooks are
    registered: Flask runs them last-registered first, so compression sees the final body."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMS", False)  # downloads and streamed answers pass as they are
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)  # smaller answers gain less than the headers cost
    compress.init_app(app)
    if app.static_folder is None:
        return
    assets = app.extensions["ypb_assets"] = Assets(app.static_folder)
    app.view_functions["static"] = serve_static

    @app.url_defaults
    def hashed_static_names(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = assets.url_name(values["filename"])

