#!/usr/bin/env python3
"""Loads an HTML report in headless Chromium and reports what a reader would see.

Usage: chromium_check.py REPORT.html SCREENSHOT.png [--no-script]

Talks to Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe, fds 3 and 4),
so it needs only the Python standard library. Prints one JSON object:
  console      console messages, exceptions and log entries of level error or warning
  requests     every URL the page asked for (Network.requestWillBeSent), the page itself included
  proxyHits    first line of every connection Chromium made to the proxy it was given: any request
               that reached the network would have gone through it
  screenshot   {"width", "height", "bytes"} of the full-page PNG written to SCREENSHOT.png
  probe        what the page shows and does (table rows, sorting, filtering), read with JavaScript
Exit status 0 when the page loaded; 2 with a message on stderr when Chromium could not be run.
"""
import base64
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

BROWSERS = ["chromium-headless-shell", "chromium", "chromium-browser"]

PROBE = r"""
(() => {
  const out = {};
  const table = document.getElementById('candidates-table');
  const rows = table ? Array.from(table.tBodies[0].rows) : [];
  out.candidateRows = rows.length;
  out.title = document.title;
  out.h1 = (document.querySelector('h1') || {}).textContent || '';
  out.scriptElements = document.scripts.length;
  out.svgCharts = document.querySelectorAll('svg.chart').length;
  out.filterVisible = !!document.querySelector('input.filter') &&
      !document.querySelector('input.filter').parentNode.hidden;
  out.bodyText = document.body.innerText;
  out.pwned = !!window.pwned;
  if (table && rows.length > 1) {
    const th = table.tHead.rows[0].cells;
    let days = -1;
    for (let i = 0; i < th.length; i++) if (th[i].textContent === 'Days inactive') days = i;
    if (days >= 0) {
      th[days].click();
      th[days].click();  // descending
      out.sortedDays = Array.from(table.tBodies[0].rows).map(r => r.cells[days].textContent);
      out.sortState = th[days].getAttribute('aria-sort');
    }
    const input = document.querySelector('input.filter');
    if (input) {
      const word = rows[0].cells[0].textContent.split(' ')[0];
      input.value = word;
      input.dispatchEvent(new Event('input'));
      out.filterWord = word;
      out.filterShown = Array.from(table.tBodies[0].rows).filter(r => !r.hidden).length;
      input.value = '';
      input.dispatchEvent(new Event('input'));
    }
  }
  return JSON.stringify(out);
})()
"""


def find_browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    sys.stderr.write("headless Chromium is not installed (run scripts/setup.sh, or apt-get install chromium-headless-shell)\n")
    sys.exit(2)


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return 0, 0
    return struct.unpack(">II", data[16:24])


def main():
    html, shot = sys.argv[1], sys.argv[2]
    no_script = "--no-script" in sys.argv[3:]
    browser = find_browser()

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    hits = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                hits.append(conn.recv(300).decode("latin-1").split("\r\n")[0])
            except OSError:
                hits.append("(connection without a request line)")
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    proxy = "http://127.0.0.1:%d" % listener.getsockname()[1]

    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    profile = tempfile.mkdtemp(prefix="seatsweep-chromium-")

    def child_fds():
        os.dup2(to_browser_r, 3)
        os.dup2(from_browser_w, 4)

    args = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
        "--user-data-dir=" + profile, "--proxy-server=" + proxy, "--proxy-bypass-list=<-loopback>",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-breakpad",
        "--disable-features=Translate,MediaRouter,OptimizationHints", "--hide-scrollbars",
        "--window-size=1280,900", "about:blank",
    ]
    if not browser.endswith("chromium-headless-shell"):
        args[1] = "--headless=new"
    proc = subprocess.Popen(args, preexec_fn=child_fds, close_fds=False, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(to_browser_r)
    os.close(from_browser_w)
    send_pipe = os.fdopen(to_browser_w, "wb", buffering=0)
    recv_pipe = os.fdopen(from_browser_r, "rb", buffering=0)
    state = {"buffer": b"", "id": 0}
    events = []

    def send(method, params=None, session=None):
        state["id"] += 1
        message = {"id": state["id"], "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        send_pipe.write(json.dumps(message).encode() + b"\0")
        return state["id"]

    def wait(predicate, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            while b"\0" in state["buffer"]:
                raw, state["buffer"] = state["buffer"].split(b"\0", 1)
                message = json.loads(raw)
                events.append(message)
                if predicate(message):
                    return message
            ready, _, _ = select.select([recv_pipe], [], [], 0.5)
            if ready:
                chunk = recv_pipe.read(1 << 20)
                if not chunk:
                    sys.stderr.write("Chromium closed the DevTools pipe\n")
                    sys.exit(2)
                state["buffer"] += chunk
        sys.stderr.write("Chromium did not answer in time\n")
        sys.exit(2)

    def drain(seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            ready, _, _ = select.select([recv_pipe], [], [], 0.05)
            if ready:
                chunk = recv_pipe.read(1 << 20)
                if not chunk:
                    break
                state["buffer"] += chunk
        while b"\0" in state["buffer"]:
            raw, state["buffer"] = state["buffer"].split(b"\0", 1)
            events.append(json.loads(raw))

    def call(method, params=None, session=None):
        i = send(method, params, session)
        reply = wait(lambda m: m.get("id") == i)
        if "error" in reply:
            sys.stderr.write("%s failed: %s\n" % (method, reply["error"]))
            sys.exit(2)
        return reply.get("result", {})

    try:
        target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Runtime.enable", "Log.enable", "Network.enable", "Page.enable"]:
            call(domain, session=session)
        if no_script:
            call("Emulation.setScriptExecutionDisabled", {"value": True}, session=session)
        call("Page.navigate", {"url": "file://" + os.path.abspath(html)}, session=session)
        wait(lambda m: m.get("method") == "Page.loadEventFired")
        metrics = call("Page.getLayoutMetrics", session=session)
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        width, height = int(size["width"]), min(int(size["height"]), 12000)
        shot_result = call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}, session=session)
        png = base64.b64decode(shot_result["data"])
        with open(shot, "wb") as f:
            f.write(png)
        probe = {}
        if not no_script:
            value = call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=session)
            probe = json.loads(value["result"]["value"])
        else:
            call("Emulation.setScriptExecutionDisabled", {"value": False}, session=session)
            value = call("Runtime.evaluate", {"expression":
                "JSON.stringify({candidateRows: document.getElementById('candidates-table') ? "
                "document.getElementById('candidates-table').tBodies[0].rows.length : -1, "
                "bodyText: document.body.innerText})", "returnByValue": True}, session=session)
            probe = json.loads(value["result"]["value"])
        drain(0.3)  # let late console and network events arrive
        send("Browser.close")
    finally:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        listener.close()
        shutil.rmtree(profile, ignore_errors=True)

    console = []
    for e in events:
        method, params = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            console.append({"kind": params["type"], "text": " ".join(str(a.get("value", a.get("description", "")))
                                                                    for a in params.get("args", []))})
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            console.append({"kind": "exception", "text": details.get("exception", {}).get("description")
                            or details.get("text", "")})
        elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
            console.append({"kind": "log-" + params["entry"]["level"], "text": params["entry"].get("text", "")})
    requests = [e["params"]["request"]["url"] for e in events if e.get("method") == "Network.requestWillBeSent"]
    w, h = png_size(png)
    print(json.dumps({"console": console, "requests": requests, "proxyHits": hits,
                      "screenshot": {"width": w, "height": h, "bytes": len(png)}, "probe": probe}))


if __name__ == "__main__":
    main()
