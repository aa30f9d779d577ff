"""What the dev server sends: the file of site/ a request names (refusing any other), and the
additions every HTML page gets in development (the live-reload script, the build error banner)."""
from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import unquote

# Pages carry a CSP without 'unsafe-inline', so the dev additions are an external script that
# starts livereload and styles the error banner through the CSSOM (allowed by the CSP).
DEV_SCRIPT_PATH = "/__diglot__/dev.js"
RELOAD_SCRIPT = f'<script src="{DEV_SCRIPT_PATH}"></script>'
BANNER_STYLE = ("position:fixed;z-index:2147483647;top:0;left:0;right:0;max-height:60vh;overflow:auto;"
                "margin:0;padding:1em;background:#7f1d1d;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap")
DEV_SCRIPT = ("(function(){var s=document.createElement('script');"
              "s.src='/livereload.js?port='+(window.location.port||80);document.head.appendChild(s);"
              "var b=document.getElementById('diglot-build-error');"
              f"if(b){{b.style.cssText='{BANNER_STYLE}';}}}})();\n")


def resolve_request(root: Path, raw_path: str) -> Path | None:
    """The file under root that a request path names, or None when it must be refused.

    raw_path is the path exactly as sent (still percent-encoded)."""
    if not raw_path.startswith("/") or raw_path.startswith("//"):
        return None  # absolute-form targets and '//host/…' paths
    decoded = unquote(raw_path.split("?", 1)[0], errors="strict")
    parts = decoded.split("/")[1:]
    if any(p in (".", "..") or "\\" in p or "\x00" in p for p in parts) or "//" in decoded:
        return None
    real_root = root.resolve()
    target = real_root.joinpath(*[p for p in parts if p])
    if target.is_dir():
        target = target / "index.html"
    real = target.resolve()
    if real != real_root and real_root not in real.parents:
        return None  # a symlink that leads outside site/
    return real


def site_path(root: Path, path: Path) -> str:
    """Name a file of site/ as the build does (en/slug/index.html)."""
    return path.relative_to(root.resolve()).as_posix()


def page_file(root: Path, url: str) -> str | None:
    """Return the file of site/ an open page's URL shows, as site_path names it (None: not one of site/'s)."""
    try:  # whatever a page sent: an over-long name, a NUL, undecodable escapes
        path = resolve_request(root, "/" + url.split("://", 1)[-1].split("/", 1)[-1].split("#", 1)[0])
        return site_path(root, path) if path is not None and path.is_file() else None
    except (OSError, ValueError, RuntimeError):  # UnicodeDecodeError is a ValueError
        return None


def decorate_html(body: bytes, error: str | None) -> bytes:
    """An HTML page with the dev script and, after a failed build, the error banner before it."""
    extra = ""
    if error:
        extra = ('<pre id="diglot-build-error" role="alert">'
                 f"Build failed; showing the last good site.\n\n{html.escape(error)}</pre>")
    data = (extra + RELOAD_SCRIPT).encode("utf-8")
    at = body.rfind(b"</body>")
    return body[:at] + data + body[at:] if at >= 0 else body + data


def error_page(error: str | None) -> bytes:
    """What a missing page shows: a short notice (with the build error, if any)."""
    return decorate_html(b"<!doctype html><html><head><meta charset='utf-8'><title>Not found</title>"
                         b"</head><body><h1>Not found</h1></body></html>", error)
