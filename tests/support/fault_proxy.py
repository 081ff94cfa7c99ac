#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for tests: forwards every request to --target, except requests
whose method and path match --fail (a regex over "METHOD /path"), which get --status with a
JSON error body (or --body verbatim). Prints `listening on PORT` first.

    fault_proxy.py --target http://127.0.0.1:4096 --fail "POST /session/[^/]+/fork" --status 500

More faults, each chosen by a regex over "METHOD /path" like --fail:
  --delay REGEX --delay-ms MS   wait MS before forwarding (a slow server; other requests go on)
  --hold REGEX                  forward at once, then wait --delay-ms before answering (the
                                server has done it; its answer is slow to come)
  --drop REGEX                  forward, then cut the answer off halfway (with no body: half
                                the status line) and close the connection
  --down-drops                  when the target does not answer, close without a reply (as a
                                killed server would look) instead of a 502
  --log FILE                    append "METHOD /path" for every request except OPTIONS
  --auth-log FILE               append "METHOD /path" for every request carrying Authorization
  --location URL                a Location header on the --fail answers (a redirect, with a
                                3xx --status)
  --host ADDRESS                listen there instead of 127.0.0.1 (0.0.0.0: every interface)
"""

import argparse
import http.client
import re
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization"}


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    target = None
    fail = None
    status = 500
    body = None
    delay = None
    delay_ms = 0
    hold = None
    drop = None
    down_drops = False
    log = None
    auth_log = None
    location = None
    log_lock = threading.Lock()

    def log_message(self, *args):
        pass

    def end_headers(self):
        if self.down_drops and not self.close_connection:
            # No connection is ever reused. Chromium silently re-sends a request whose reused
            # connection closes without an answer (as --down-drops closes them), once per idle
            # connection it holds: a test counting the app's requests would count those too.
            self.send_header("connection", "close")
        super().end_headers()

    def handle_any(self):
        length = int(self.headers.get("content-length") or 0)
        payload = self.rfile.read(length) if length else None
        path = urllib.parse.urlsplit(self.path).path
        line = f"{self.command} {path}"
        if self.log and self.command != "OPTIONS":
            with self.log_lock, open(self.log, "a") as log:
                log.write(line + "\n")
        if self.auth_log and self.headers.get("authorization"):
            with self.log_lock, open(self.auth_log, "a") as log:
                log.write(line + "\n")
        if self.delay and self.command != "OPTIONS" and self.delay.search(line):
            time.sleep(self.delay_ms / 1000.0)
        if self.fail and self.command != "OPTIONS" and self.fail.search(line):
            body = (self.body if self.body is not None else
                    '{"name":"UnknownError","data":{"message":"injected failure","ref":"err_injected"}}').encode()
            self.send_response(self.status)
            self.send_header("content-type", "application/json" if body.startswith(b"{") else "text/plain")
            self.send_header("content-length", str(len(body)))
            if self.location:
                self.send_header("location", self.location)
            origin = self.headers.get("origin")
            if origin:
                self.send_header("access-control-allow-origin", origin)
            self.end_headers()
            self.wfile.write(body)
            return
        conn = http.client.HTTPConnection(self.target.hostname, self.target.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP and k.lower() != "host"}
        headers["host"] = self.target.netloc
        try:
            conn.request(self.command, self.path, body=payload, headers=headers)
            response = conn.getresponse()
            streaming = response.getheader("content-type", "").startswith("text/event-stream")
            data = b"" if streaming else response.read()
        except OSError as error:
            if self.down_drops:
                self.close_connection = True
                return
            self.send_error(502, f"upstream failed: {error}")
            return
        if self.hold and self.command != "OPTIONS" and self.hold.search(line):
            time.sleep(self.delay_ms / 1000.0)
        dropping = self.drop and self.command != "OPTIONS" and self.drop.search(line)
        if dropping and not data:
            # No body to cut: cut the status line. (Closing with no byte at all would not do:
            # Chromium silently re-sends a request, POSTs included, whose reused connection
            # closes before any answer.)
            self.wfile.write(f"HTTP/1.1 {response.status}".encode()[:10])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for key, value in response.getheaders():
            if key.lower() not in HOP and key.lower() != "content-length":
                self.send_header(key, value)
        try:
            if streaming:
                # Pass the event stream through as it comes, until either side closes.
                self.send_header("connection", "close")
                self.end_headers()
                self.close_connection = True
                while chunk := response.read1(4096):
                    self.wfile.write(chunk)
                    self.wfile.flush()
                return
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if dropping:
                # Half the promised body, then the connection goes: the answer never completes.
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(data)
        except (OSError, http.client.HTTPException):
            pass  # the browser went away, or the server did (a test stopped it)

    do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_OPTIONS = handle_any


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--fail", default=None)
    parser.add_argument("--status", type=int, default=500)
    parser.add_argument("--body", default=None)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--delay", default=None)
    parser.add_argument("--delay-ms", type=int, default=5000)
    parser.add_argument("--hold", default=None)
    parser.add_argument("--drop", default=None)
    parser.add_argument("--down-drops", action="store_true")
    parser.add_argument("--log", default=None)
    parser.add_argument("--auth-log", default=None)
    parser.add_argument("--location", default=None)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    Proxy.target = urllib.parse.urlsplit(args.target)
    Proxy.fail = re.compile(args.fail) if args.fail else None
    Proxy.status = args.status
    Proxy.body = args.body
    Proxy.delay = re.compile(args.delay) if args.delay else None
    Proxy.delay_ms = args.delay_ms
    Proxy.hold = re.compile(args.hold) if args.hold else None
    Proxy.drop = re.compile(args.drop) if args.drop else None
    Proxy.down_drops = args.down_drops
    Proxy.log = args.log
    Proxy.auth_log = args.auth_log
    Proxy.location = args.location
    server = ThreadingHTTPServer((args.host, args.port), Proxy)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
