#!/usr/bin/env python3
"""A scripted, OpenAI-compatible streaming model for tests and `make demo`.

It answers `POST /v1/chat/completions` with `chat.completion.chunk` SSE lines, ending in
`data: [DONE]`, and never touches the network. What it says is decided by directives in the
last user message, so a test scripts the model by what it types:

  [[reasoning]]           think out loud first (delta.reasoning_content)
  [[tool:bash:COMMAND]]   call the bash tool with COMMAND; the follow-up call gets a text answer
  [[call:TOOL:JSON]]      call any tool with these JSON arguments (for example the question tool)
  [[slow:MS]]             wait MS milliseconds between chunks (for streaming and Stop tests)
  [[error:STATUS]]        answer with an HTTP error STATUS instead of a completion
  [[markdown]]            answer with a markdown sample (heading, list, code, link)
  [[say:B64]]             answer with exactly this text (base64 of UTF-8), e.g. hostile input
  [[think:B64]]           reason with exactly this text first (base64 of UTF-8)
  [[callb64:TOOL:B64]]    call any tool with these arguments (base64 of their JSON)
  [[long:BYTES:PIECES]]   a markdown reply of about BYTES bytes (paragraphs, lists, code),
                          streamed in PIECES pieces, ending in "END-OF-LONG-REPLY" (for the bench)

Anything else gets "Scripted reply to: <the text>". Title generation requests get a short
title. Usage: scripted_model.py --port PORT (0 picks a free one; the port is printed on stdout
as `listening on PORT`).
"""

import argparse
import base64
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MARKDOWN_SAMPLE = (
    "## Plan\n\n"
    "1. Read the **code**\n"
    "2. Change `main.rs`\n\n"
    "```rust\nfn main() { println!(\"hi\"); }\n```\n\n"
    "See [the docs](https://example.com/docs)."
)


def content_text(content):
    """The text of an OpenAI message content (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def directives(text):
    return {
        "reasoning": "[[reasoning]]" in text,
        "markdown": "[[markdown]]" in text,
        "tool": re.search(r"\[\[tool:bash:(.*?)\]\]", text),
        "call": re.search(r"\[\[call:([\w-]+):(.*?)\]\]", text),
        "slow": re.search(r"\[\[slow:(\d+)\]\]", text),
        "error": re.search(r"\[\[error:(\d+)\]\]", text),
        "say": re.search(r"\[\[say:([A-Za-z0-9+/=]*)\]\]", text),
        "think": re.search(r"\[\[think:([A-Za-z0-9+/=]*)\]\]", text),
        "callb64": re.search(r"\[\[callb64:([\w-]+):([A-Za-z0-9+/=]*)\]\]", text),
        "long": re.search(r"\[\[long:(\d+):(\d+)\]\]", text),
    }


def unb64(match, group=1):
    return base64.b64decode(match.group(group)).decode("utf-8")


def chunks(text, size=12, most=100):
    size = max(size, len(text) // most)  # a long text in at most about `most` pieces
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def long_markdown(size):
    """About `size` bytes of ordinary markdown: what a long answer looks like."""
    parts, n = [], 0
    while sum(len(p) for p in parts) < size:
        n += 1
        parts.append(
            f"### Step {n}\n\nParagraph {n} says what changes, with **bold**, `code` and a "
            f"[link](https://example.com/{n}), and why it matters for the rest of the plan.\n\n"
            f"- first point of {n}\n- second point of {n}\n\n"
            f"```rust\nfn step_{n}() -> u32 {{ {n} }}\n```\n\n"
        )
    return "".join(parts) + "END-OF-LONG-REPLY"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        body = json.dumps(
            {"object": "list", "data": [{"id": "scripted-1", "object": "model"}]}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        try:
            request = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            request = {}
        messages = request.get("messages", [])
        system = " ".join(
            content_text(m.get("content")) for m in messages if m.get("role") == "system"
        )
        last = messages[-1] if messages else {}
        last_user = next(
            (content_text(m.get("content")) for m in reversed(messages) if m.get("role") == "user"),
            "",
        )
        d = directives(last_user)
        delay = int(d["slow"].group(1)) / 1000.0 if d["slow"] else 0.0

        if "title" in system.lower() and not request.get("tools"):
            return self.stream(text="Scripted title", delay=0.0)
        if d["error"] and last.get("role") != "tool":
            status = int(d["error"].group(1))
            body = json.dumps(
                {"error": {"message": f"scripted provider error {status}", "type": "server_error"}}
            ).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if last.get("role") == "tool":
            output = content_text(last.get("content")).strip()
            return self.stream(text=f"The tool said: {output[:200]}", delay=delay)
        reasoning = "Let me think about this step by step." if d["reasoning"] else None
        if d["think"]:
            reasoning = unb64(d["think"])
        if d["callb64"]:
            return self.stream(reasoning=reasoning, tool=(d["callb64"].group(1), unb64(d["callb64"], 2)), delay=delay)
        if d["say"]:
            return self.stream(reasoning=reasoning, text=unb64(d["say"]), delay=delay)
        if d["tool"]:
            command = d["tool"].group(1)
            args = json.dumps({"command": command, "description": "Run a scripted command"})
            return self.stream(reasoning=reasoning, tool=("bash", args), delay=delay)
        if d["call"]:
            return self.stream(reasoning=reasoning, tool=(d["call"].group(1), d["call"].group(2)), delay=delay)
        if d["markdown"]:
            return self.stream(reasoning=reasoning, text=MARKDOWN_SAMPLE, delay=delay)
        if d["long"]:
            text = long_markdown(int(d["long"].group(1)))
            return self.stream(text=text, delay=delay, pieces=int(d["long"].group(2)))
        clean = re.sub(r"\[\[.*?\]\]", "", last_user).strip()
        return self.stream(reasoning=reasoning, text=f"Scripted reply to: {clean}", delay=delay)

    def stream(self, text=None, reasoning=None, tool=None, delay=0.0, pieces=100):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.end_headers()
        created = int(time.time())

        def send(delta, finish=None, usage=None):
            chunk = {
                "id": "chatcmpl-scripted",
                "object": "chat.completion.chunk",
                "created": created,
                "model": "scripted-1",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            if usage:
                chunk["usage"] = usage
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
            if delay:
                time.sleep(delay)

        try:
            send({"role": "assistant", "content": ""})
            if reasoning:
                for piece in chunks(reasoning):
                    send({"reasoning_content": piece})
            if tool is not None:
                name, args = tool
                send(
                    {
                        "tool_calls": [
                            {
                                "index": 0,
                                "id": "call_scripted_1",
                                "type": "function",
                                "function": {"name": name, "arguments": ""},
                            }
                        ]
                    }
                )
                for piece in chunks(args, 16):
                    send({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
                finish = "tool_calls"
            else:
                for piece in chunks(text or "", 1, pieces) if pieces != 100 else chunks(text or ""):
                    send({"content": piece})
                finish = "stop"
            send(
                {},
                finish=finish,
                usage={"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            )
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client aborted (Stop): nothing to clean up
        self.close_connection = True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
