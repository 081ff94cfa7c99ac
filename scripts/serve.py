#!/usr/bin/env python3
"""Static file server for a single-page app (python3 stdlib only).

    serve.py --dir DIR --port PORT [--host 127.0.0.1] [--prefix /sub/] [--pages] [--verbose]

Serves files from DIR. Any GET/HEAD path that is not an existing file gets
DIR/index.html with status 200 (SPA fallback, so deep links like
/session/ses_abc work). With --pages it behaves like GitHub Pages instead:
DIR/404.html with status 404. With --port 0 an ephemeral port is chosen; in every
case the first stdout line is `listening on PORT`, so a harness can read it. With
--prefix /branchpoint/ the site lives under that path (as on a GitHub Pages project site):
/branchpoint/x is DIR/x, and anything outside the prefix is a plain 404.
Every answer says the site may not be framed (Content-Security-Policy: frame-ancestors 'none'
and X-Frame-Options: DENY): a page that frames the app could trick clicks onto its buttons.
"""

import argparse
import http.server
import os
import re
import signal
import sys
import urllib.parse

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".txt": "text/plain; charset=utf-8",
}

# A content hash in a file name: a separator, then 8+ hex digits (optionally after
# dx's "dxh" prefix), then another separator, e.g. main-dxh3f9a2c1d0e4b5a6c.css,
# branchpoint_bg-dxh5f3c0a1b2c3d4e5f.wasm or app.a1b2c3d4.js.
HASHED = re.compile(r"[-_.](?:dxh)?[0-9a-fA-F]{8,}(?=[-_.])")


# Sent with every file. A <meta> CSP cannot carry frame-ancestors: only a header can.
SECURITY_HEADERS = [
    ("Content-Security-Policy", "frame-ancestors 'none'"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]


class Handler(http.server.BaseHTTPRequestHandler):
    root = "."
    verbose = False
    pages = False
    prefix = "/"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.verbose:
            sys.stderr.write("%s - %s\n" % (self.address_string(), fmt % args))

    def resolve(self):
        """Map the request path to (file path, cache header), or None if rejected."""
        raw = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        if not (raw + "/").startswith(self.prefix):
            return "outside"
        raw = raw[len(self.prefix) - 1 :]
        parts = [p for p in raw.split("/") if p not in ("", ".")]
        if ".." in parts or any("\\" in p or "\0" in p for p in parts):
            return None
        rel = "/".join(parts)
        candidate = os.path.join(self.root, *parts) if parts else self.root
        if os.path.isdir(candidate):
            candidate = os.path.join(candidate, "index.html")
        self.status = 200
        if not os.path.isfile(candidate):
            fallback = "404.html" if self.pages else "index.html"
            candidate, rel = os.path.join(self.root, fallback), fallback
            self.status = 404 if self.pages else 200
        real = os.path.realpath(candidate)
        if os.path.commonpath([real, self.root]) != self.root:
            return None
        if rel.startswith("assets/") and HASHED.search(os.path.basename(rel)):
            return real, "public, max-age=31536000, immutable"
        return real, "no-cache"

    def serve(self, body):
        target = self.resolve()
        if target is None:
            return self.send_error(400, "bad path")
        if target == "outside":
            return self.send_error(404, f"not under {self.prefix}")
        path, cache = target
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            return self.send_error(404, "not found (no index.html?)")
        ext = os.path.splitext(path)[1].lower()
        self.send_response(self.status)
        self.send_header("Content-Type", TYPES.get(ext, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", cache)
        for name, value in SECURITY_HEADERS:
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)

    def do_GET(self):
        self.serve(True)

    def do_HEAD(self):
        self.serve(False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", required=True, help="directory to serve")
    ap.add_argument("--port", type=int, required=True, help="port (0 = pick a free one)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--prefix", default="/", help="the path the site is served under, e.g. /branchpoint/")
    ap.add_argument("--pages", action="store_true", help="unknown paths get 404.html with status 404")
    ap.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = ap.parse_args()

    Handler.root = os.path.realpath(args.dir)
    Handler.verbose = args.verbose
    Handler.pages = args.pages
    Handler.prefix = "/" + args.prefix.strip("/") + "/" if args.prefix.strip("/") else "/"
    if not os.path.isdir(Handler.root):
        sys.exit(f"serve.py: not a directory: {args.dir}")

    http.server.ThreadingHTTPServer.daemon_threads = True
    server = http.server.ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"listening on {server.server_address[1]}", flush=True)

    def stop(_sig, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # even if started with SIGINT ignored (`cmd &`)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
