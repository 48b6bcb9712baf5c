#!/usr/bin/env python3
"""Measures 2cs against its targets (docs/architecture.md, "Performance"), side by side
with the tools it is compared to, in one run, and writes the results table.

Run by scripts/bench/run, which installs the tools and builds 2cs first.
Every figure is a median over several runs, with the min and max beside it, and the
alternatives run in the same run, in turn, in rounds (see `hyperfine`).
"""

import argparse
import json
import os
import platform
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(command, **kwargs):
    return subprocess.run(command, shell=True, check=True, text=True, capture_output=True, **kwargs).stdout


def hyperfine(commands, runs, warmup, work, shell=True, rounds=5):
    """Times commands with hyperfine; returns {name: {median, min, max}} in milliseconds.

    The runs are spread over `rounds` rounds, and each round runs every command in turn: on a shared machine a
    busy spell then slows each command alike, instead of whichever hyperfine happened to be timing."""
    export = os.path.join(work, "hyperfine.json")
    rounds = max(1, min(rounds, runs))
    times = {name: [] for name, _ in commands}
    for round_number in range(rounds):
        count = runs // rounds + (1 if round_number < runs % rounds else 0)
        arguments = ["hyperfine", "--style", "none", "--warmup", str(warmup if round_number == 0 else 0),
                     "--runs", str(max(count, 2)), "--export-json", export]
        if not shell:
            arguments.append("-N")
        for name, command in commands:
            arguments += ["--command-name", name, command]
        subprocess.run(arguments, check=True, stdout=subprocess.DEVNULL)
        with open(export) as file:
            for (name, _), result in zip(commands, json.load(file)["results"]):
                times[name] += result["times"]
    return {name: figures([value * 1000 for value in values]) for name, values in times.items()}


def peak_memory_mib(command, times=3):
    """The largest peak resident memory of `times` runs of a command, in MiB."""
    peak = 0
    for _ in range(times):
        process = subprocess.Popen(command, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        if status != 0:
            raise RuntimeError(f"{command} failed with status {status}")
        peak = max(peak, usage.ru_maxrss / 1024)
    return peak


class Server:
    """`2cs sandbox serve` on a free port, with its request log kept."""

    def __init__(self, binary, work, quiet=True, state_file=None):
        self.log = os.path.join(work, "serve.log")
        state = ["--state", state_file] if state_file else ["--memory"]
        arguments = [binary, "sandbox", "serve", *state, "--port", "0", "--requests-per-minute", "0"]
        if quiet:
            arguments.append("--quiet")
        self.output = open(self.log, "w")
        self.process = subprocess.Popen(arguments, stdout=self.output, stderr=subprocess.STDOUT)
        try:
            for _ in range(200):
                with open(self.log) as file:
                    found = re.search(r"127\.0\.0\.1:(\d+)", file.read())
                if found:
                    self.base = f"http://127.0.0.1:{found.group(1)}"
                    return
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
            raise RuntimeError(f"sandbox serve did not start; see {self.log}")
        except BaseException:
            self.stop()
            raise

    def requests_logged(self):
        with open(self.log) as file:
            return sum(1 for line in file if re.search(r" (GET|POST|DELETE|PUT|PATCH) /", line))

    def stop(self):
        self.process.terminate()
        self.process.wait()
        self.output.close()


def ratio(mine, theirs):
    return mine / theirs if theirs else float("nan")


class Report:
    def __init__(self):
        self.sections = []
        self.checks = []

    def section(self, title, lines):
        self.sections.append(f"## {title}\n\n" + "\n".join(lines) + "\n")

    def check(self, target, figure, met):
        self.checks.append(f"| {target} | {figure} | {'met' if met else '**missed**'} |")


def timing_table(results):
    lines = ["| command | median (ms) | min | max | ratio of 2cs to it |", "|---|---|---|---|---|"]
    mine = results["2cs"]["median"]
    for name, stats in results.items():
        share = "" if name == "2cs" else f"{ratio(mine, stats['median']):.2f}"
        lines.append(f"| {name} | {stats['median']:.1f} | {stats['min']:.1f} | {stats['max']:.1f} | {share} |")
    return lines


def bench_cold(args, report, work):
    results = hyperfine(
        [("2cs", f"{args.binary} -c null"), ("jq -n 1", "jq -n 1"), ("python3 + requests", "python3 -c 'import requests'")],
        runs=50, warmup=5, work=work, shell=False)
    share = ratio(results["2cs"]["median"], results["jq -n 1"]["median"])
    report.section("Cold start: `2cs -c null`", timing_table(results) + [
        "", "Commands: `2cs -c null`, `jq -n 1`, `python3 -c 'import requests'` (hyperfine -N, 50 runs)."])
    report.check("cold start ≤ 0.6 of `jq -n 1`", f"{share:.2f}", share <= 0.6)


LOOP_2CS = "let s = 0; let r = {x: 2}; for i in range 0 1000000 { let s = $s + $i * $r.x }; $s"
LOOP_PYTHON = 's = 0\nr = {"x": 2}\nfor i in range(1000000): s = s + i * r["x"]\nprint(s)'


def bench_loop(args, report, work):
    script = os.path.join(work, "loop.py")
    with open(script, "w") as file:
        file.write(LOOP_PYTHON + "\n")
    mine = f"{args.binary} -c {shlex.quote(LOOP_2CS)}"
    theirs = f"python3 {script}"
    results = hyperfine([("2cs", mine), ("python3", theirs)], runs=10, warmup=1, work=work)
    memory = {"2cs": peak_memory_mib(mine), "python3": peak_memory_mib(theirs)}
    share = ratio(results["2cs"]["median"], results["python3"]["median"])
    lines = timing_table(results) + [
        "", f"Peak memory: 2cs {memory['2cs']:.1f} MiB, python3 {memory['python3']:.1f} MiB (largest of 3 runs).",
        "", f"Commands: `2cs -c '{LOOP_2CS}'` and the same loop in python3:", "", "```python", LOOP_PYTHON, "```"]
    report.section("Interpreter: 1 000 000 iterations of arithmetic and a field access", lines)
    report.check("interpreter loop ≤ 0.7 of python3", f"{share:.2f}", share <= 0.7)
    report.check("interpreter loop peak memory < 30 MB", f"{memory['2cs']:.1f} MiB", memory["2cs"] < 30)


FILTER_2CS = "open {file} | where country == \"US\" and features has \"sms_out\" | sort-by id | count"
FILTER_JQ = "[.[] | select(.country == \"US\" and (.features | index(\"sms_out\")))] | sort_by(.id) | length"
FILTER_PYTHON = """import json, sys
rows = json.load(open(sys.argv[1]))
kept = [r for r in rows if r["country"] == "US" and "sms_out" in r["features"]]
print(len(sorted(kept, key=lambda r: r["id"])))"""


def bench_filter(args, report, work):
    import random
    random.seed(7)
    records = os.path.join(work, "records.json")
    rows = [{"id": f"grp_{i:06d}", "country": random.choice(["US", "GB", "DE", "JP"]),
             "price": {"monthly_price": f"{random.randint(50, 2500) / 100:.2f}"},
             "features": random.sample(["voice", "sms_in", "sms_out", "whatsapp"], 2)} for i in range(100000)]
    with open(records, "w") as file:
        json.dump(rows, file)
    script = os.path.join(work, "filter.py")
    with open(script, "w") as file:
        file.write(FILTER_PYTHON + "\n")
    mine = f"{args.binary} -c {shlex.quote(FILTER_2CS.format(file=records))}"
    results = hyperfine(
        [("2cs", mine), ("jq", f"jq {shlex.quote(FILTER_JQ)} {records}"), ("python3", f"python3 {script} {records}")],
        runs=10, warmup=1, work=work)
    share = ratio(results["2cs"]["median"], results["jq"]["median"])
    report.section("Filtering 100 000 records from a JSON file (where, sort-by, count)", timing_table(results) + [
        "", f"Commands: `2cs -c '{FILTER_2CS.format(file='records.json')}'`, `jq '{FILTER_JQ}' records.json`,"
        " and the same in python3's json module."])
    report.check("filtering no slower than jq", f"{share:.2f} of jq", share <= 1.0)


FLOW_2CS = """let region = regions US | first
let city = cities US region=$region.id | first
let group = groups US city=$city.id | where allow_number_selection | first
requirements $group
let number = $group | available | first
$number | purchase
"""
FLOW_BASH = """set -e
b="$1"
h='X-User-API-Key: k'
region=$(curl -sf -H "$h" "$b/open/numbers/regions?country=US" | jq '.data.regions[0].id')
city=$(curl -sf -H "$h" "$b/open/numbers/cities?country=US&region=$region" | jq '.data.cities[0].id')
group=$(curl -sf -H "$h" "$b/open/numbers/groups?country=US&city_id=$city" | jq -r '[.data.groups[] | select(.allow_number_selection)][0].id')
curl -sf -H "$h" "$b/open/numbers/did-types" >/dev/null
curl -sf -H "$h" "$b/open/numbers/requirements?country=US&did_type=1" >/dev/null
number=$(curl -sf -H "$h" "$b/open/numbers/available?group_id=$group" | jq -r '.data.numbers[0].number')
curl -sf -X POST -H "$h" -H 'Content-Type: application/json' -d "{\\"group_id\\":\\"$group\\",\\"number\\":\\"$number\\"}" "$b/open/numbers/purchase" >/dev/null
"""
FLOW_PYTHON = """import sys, requests
s = requests.Session(); s.headers["X-User-API-Key"] = "k"; b = sys.argv[1]
region = s.get(b + "/open/numbers/regions", params={"country": "US"}).json()["data"]["regions"][0]["id"]
city = s.get(b + "/open/numbers/cities", params={"country": "US", "region": region}).json()["data"]["cities"][0]["id"]
groups = s.get(b + "/open/numbers/groups", params={"country": "US", "city_id": city}).json()["data"]["groups"]
group = [g for g in groups if g["allow_number_selection"]][0]["id"]
s.get(b + "/open/numbers/did-types").json()
s.get(b + "/open/numbers/requirements", params={"country": "US", "did_type": 1}).json()
number = s.get(b + "/open/numbers/available", params={"group_id": group}).json()["data"]["numbers"][0]["number"]
s.post(b + "/open/numbers/purchase", json={"group_id": group, "number": number}).raise_for_status()
"""
# The fewest requests the flow can make: regions, cities, groups, did-types (requirements take a DID type id,
# groups give its name), requirements, available, purchase; 2cs adds one look at the account's numbers before
# buying a number it was given, without which a lost answer could not be told from a purchase.
FLOW_FEWEST = {"2cs": 8, "bash + curl + jq": 7, "python3 + requests": 7}


def bench_flow(args, report, work):
    files = {"flow.2cs": FLOW_2CS, "flow.sh": FLOW_BASH, "flow.py": FLOW_PYTHON}
    for name, text in files.items():
        with open(os.path.join(work, name), "w") as file:
            file.write(text)
    tools = [
        ("2cs", f"{args.binary} --api-key k --output json --base-url BASE {work}/flow.2cs"),
        ("bash + curl + jq", f"bash {work}/flow.sh BASE"),
        ("python3 + requests", f"python3 {work}/flow.py BASE"),
    ]
    results, calls = {}, {}
    for name, command in tools:
        # A fresh server for each tool: every run buys a number. One logged run counts its requests.
        server = Server(args.binary, work, quiet=False)
        try:
            subprocess.run(command.replace("BASE", server.base), shell=True, check=True, capture_output=True)
            calls[name] = server.requests_logged()
            results.update(hyperfine([(name, command.replace("BASE", server.base))], runs=15, warmup=2, work=work))
        finally:
            server.stop()
    lines = timing_table(results) + [
        "", "| command | requests (counted at the server) | fewest it can make |", "|---|---|---|"]
    for name, _ in tools:
        lines.append(f"| {name} | {calls[name]} | {FLOW_FEWEST[name]} |")
    lines += ["", "regions → cities → groups → requirements → available → purchase, against `2cs sandbox serve` on"
              " loopback (a fresh server per tool). The scripts are in scripts/bench/measure.py."]
    report.section("The purchase flow against a local server", lines)
    for name in ("bash + curl + jq", "python3 + requests"):
        share = ratio(results["2cs"]["median"], results[name]["median"])
        report.check(f"flow ≤ 0.33 of {name}", f"{share:.2f}", share <= 0.33)
    report.check("API calls of the flow = the fewest", f"{calls['2cs']} of {FLOW_FEWEST['2cs']}",
                 calls["2cs"] == FLOW_FEWEST["2cs"])


# The fewest calls each example can make in the sandbox, and why.
EXAMPLES_FEWEST = {
    "cheapest-per-country.2cs": (10, "one group list per country, ten countries"),
    "def-helper.2cs": (4, "the city list once, then one group list per city found (3 of 4)"),
    "purchase-flow.2cs": (11, "regions, cities, groups, did-types, requirements, available, reserve,"
                              " the look at your numbers before buying, purchase, then 2 pages of numbers"),
    "reserve-review.2cs": (6, "groups, reserve, reservations, the look at your numbers before buying, purchase,"
                              " reservations"),
    "vanity-search.2cs": (16, "one group list, then one search per group that lets you choose (15)"),
}


def bench_calls(args, report, work):
    lines = ["| script | API calls (--trace) | fewest it can make | why |", "|---|---|---|---|"]
    all_fewest = True
    folder = os.path.join(ROOT, "scripts", "examples")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".2cs"):
            continue
        state = tempfile.mkdtemp(dir=work)
        environment = dict(os.environ, HOME=state, XDG_STATE_HOME=state + "/state", XDG_CONFIG_HOME=state + "/config")
        environment.pop("TWOCHAT_API_KEY", None)
        run = subprocess.run([args.binary, "--trace", os.path.join(folder, name)], env=environment,
                             capture_output=True, text=True)
        found = re.search(r"(\d+) API calls? \(\d+ credits?\) in all", run.stderr)
        made = int(found.group(1)) if found else None
        fewest, why = EXAMPLES_FEWEST.get(name, (None, "not known: add it to EXAMPLES_FEWEST"))
        all_fewest &= made is not None and made == fewest
        lines.append(f"| scripts/examples/{name} | {made if made is not None else 'failed'} | {fewest} | {why} |")
    lines += ["", "Each run against a fresh embedded sandbox: `2cs --trace scripts/examples/NAME.2cs`, whose last"
              " line counts the calls."]
    report.section("API calls of the examples", lines)
    report.check("API calls of every example = the fewest", "yes" if all_fewest else "no", all_fewest)


def bench_completion(args, report, work):
    output = sh(os.path.join(ROOT, ".build", "release", "Benchmarks"))
    worst = 0.0
    lines = ["| line | median (µs) | p99 (µs) | max (µs) |", "|---|---|---|---|"]
    for line in output.splitlines():
        if line.startswith("completion\t"):
            _, text, median, p99, largest = line.split("\t")
            worst = max(worst, float(p99))
            shown = f"`{text}`".replace("|", "\\|") if text else "(an empty line)"
            lines.append(f"| {shown} | {median} | {p99} | {largest} |")
    lines += ["", "200 completions of each line, in process (`.build/release/Benchmarks`), reading the disk for paths."]
    report.section("Tab completion", lines)
    report.check("completion p99 < 5 ms", f"{worst / 1000:.2f} ms (worst line)", worst < 5000)


SERVE_RUNS = 5
GROUPS_TARGET = "/open/numbers/groups?country=GB"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Loopback is asked directly, whatever http_proxy says.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Nginx:
    """nginx serving a file, as a reference for what the machine allows: the same load against a server whose
    cost per request is a small fraction of any application's shows how much of a p99 is the machine's."""

    def __init__(self, work, body, tries=3):
        prefix = os.path.join(work, "nginx")
        os.makedirs(os.path.join(prefix, "root"), exist_ok=True)
        with open(os.path.join(prefix, "root", "groups"), "wb") as file:
            file.write(body)
        # Started as root, nginx's workers run as nobody: they need to reach the file.
        os.chmod(work, 0o711)
        for folder in (prefix, os.path.join(prefix, "root")):
            os.chmod(folder, 0o755)
        os.chmod(os.path.join(prefix, "root", "groups"), 0o644)
        for _ in range(tries):
            # A free port may be taken between the probe and nginx's bind: then another is tried.
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            if self.start(prefix, port, body):
                return
        raise RuntimeError(f"nginx did not serve the file; see {prefix}/error.log")

    def start(self, prefix, port, body):
        config = os.path.join(prefix, "nginx.conf")
        # Every file nginx writes stays in the run's folder, the system nginx's temp folders included.
        temporary = " ".join(f"{kind}_temp_path {prefix}/{kind};" for kind in
                             ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        with open(config, "w") as file:
            file.write(f"""daemon off; worker_processes auto; pid {prefix}/nginx.pid; error_log {prefix}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; keepalive_requests 100000000; default_type application/json; {temporary}
  server {{ listen 127.0.0.1:{port}; root {prefix}/root; location / {{ }} }} }}
""")
        self.process = subprocess.Popen([NGINX, "-p", prefix, "-c", config], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                if self.process.poll() is not None:
                    return False
                try:
                    with DIRECT.open(self.base + "/groups", timeout=5) as answer:
                        if answer.read() == body:
                            return True
                except OSError:
                    pass
                time.sleep(0.05)
            self.stop()
            return False
        except BaseException:
            self.stop()
            raise

    def stop(self):
        self.process.terminate()
        self.process.wait()


def saturated(url):
    """Requests per second and p99 in ms of wrk's closed loop, after 2 s of the same load: steady state is
    measured, and the first second of a server (its connections accepted, its answer made) is the cold start's
    business."""
    wrk(url, 2)
    run = wrk(url, 8)
    if run["non2xx"] or run["socket_errors"]:
        raise RuntimeError(f"{url}: {run['non2xx']} answers not 2xx, {run['socket_errors']} socket errors")
    return run["rate"], run["p99"]


def figures(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def bench_serve(args, report, work):
    runs = {"2cs": [], "nginx": [], "2cs with a state file": []}
    for run in range(SERVE_RUNS):
        server = Server(args.binary, work)
        try:
            runs["2cs"].append(saturated(server.base + GROUPS_TARGET))
            answer = DIRECT.open(urllib.request.Request(
                server.base + GROUPS_TARGET, headers={"X-User-API-Key": "k"}), timeout=5).read()
        finally:
            server.stop()
        # In turn with 2cs, so that a busy spell of the machine weighs on both alike.
        reference = Nginx(work, answer)
        try:
            runs["nginx"].append(saturated(reference.base + "/groups"))
        finally:
            reference.stop()
    # With a state file, as `sandbox serve` keeps by default, a connection is served from the shared pool of threads
    # rather than its event loop, as a write may wait for the file's lock: shown, not checked.
    for run in range(3):
        server = Server(args.binary, work, state_file=os.path.join(work, f"serve-state.json.{run}"))
        try:
            runs["2cs with a state file"].append(saturated(server.base + GROUPS_TARGET))
        finally:
            server.stop()
    rate, p99 = (figures([figure[index] for figure in runs["2cs"]]) for index in (0, 1))
    lines = ["| server | requests per second | min | max | p99 (ms) | min | max |", "|---|---|---|---|---|---|---|"]
    for name, measured in runs.items():
        rates, p99s = figures([figure[0] for figure in measured]), figures([figure[1] for figure in measured])
        lines.append(f"| {name} | {rates['median']:.0f} | {rates['min']:.0f} | {rates['max']:.0f}"
                     f" | {p99s['median']:.2f} | {p99s['min']:.2f} | {p99s['max']:.2f} |")
    reference_p99 = statistics.median(figure[1] for figure in runs["nginx"])
    report.section("`2cs sandbox serve`: GET /open/numbers/groups?country=GB", lines + [
        "", f"{SERVE_RUNS} runs of `wrk -t2 -c32 -d8s --latency --timeout 5s` on loopback, each after 2 s of the"
        " same load to warm the server: against a fresh `2cs sandbox serve --memory`, then, in turn, against nginx serving the"
        f" same answer ({len(answer)} bytes) from a file, one worker a core, as a reference for the machine; then 3"
        " runs with `--state FILE` (by default the server keeps one), whose connections are served from the shared"
        " pool of threads rather than their event loops, as a write may wait for the file's lock. wrk's threads and"
        f" the server's share the {os.cpu_count()} cores, so a p99 at this load is mostly the wait for a core:"
        " compare 2cs's with nginx's of the same run."])
    report.check("sandbox serve ≥ 20 000 requests/s", f"{rate['median']:.0f}", rate["median"] >= 20000)
    report.check("sandbox serve p99 < 5 ms", f"{p99['median']:.2f} ms (nginx, the same load: {reference_p99:.2f} ms)",
                 p99["median"] < 5)


REQUESTS_VERSION = "python3 -c 'import requests; print(requests.__version__)'"


UNIQUE_PATHS_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("DELETE", "/open/numbers/reservations/" .. string.rep("x", 2000) .. counter .. "-" .. math.random(1e9))
end
"""
WRITES_LUA = """
wrk.method = "POST"
wrk.body = '{"group_id":"GROUP"}'
wrk.headers["Content-Type"] = "application/json"
"""


def peak_rss_mib(pid):
    with open(f"/proc/{pid}/status") as file:
        return int(re.search(r"VmHWM:\s+(\d+) kB", file.read()).group(1)) / 1024


def wrk(url, seconds, connections=32, key=True, script=None, work=None):
    """Runs wrk; returns requests, requests per second, p99 in ms, non-2xx and socket errors."""
    arguments = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if key:
        arguments += ["-H", "X-User-API-Key: k"]
    if script:
        path = os.path.join(work, "script.lua")
        with open(path, "w") as file:
            file.write(script)
        arguments += ["-s", path]
    output = subprocess.run(arguments + [url], check=True, capture_output=True, text=True).stdout
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    refused = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p99": float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit],
        "non2xx": int(refused.group(1)) if refused else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def slowloris(port, count, seconds):
    """Opens `count` connections that send a request head a byte at a time and never finish it; returns how
    many the server had closed after `seconds`."""
    sockets = []
    for _ in range(count):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(b"GET /open/numbers/did-types HTTP/1.1\r\nHost: x\r\n")
        sockets.append(connection)
    deadline = time.time() + seconds
    while time.time() < deadline:
        for connection in sockets:
            try:
                connection.send(b"X")
            except OSError:
                pass
        time.sleep(1)
    closed = 0
    for connection in sockets:
        connection.setblocking(False)
        try:
            closed += connection.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
        connection.close()
    return closed


def malformed(port, rounds):
    """Sends requests the HTTP parser refuses; returns how many were answered with the error envelope."""
    import socket
    requests = [b"GARBAGE\r\n\r\n", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
                b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 1000000 + b"\r\n\r\n", b"GET / HTTP/1.1\r\nno colon\r\n\r\n"]
    enveloped = 0
    for index in range(rounds):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.settimeout(5)
        try:
            connection.sendall(requests[index % len(requests)])
        except OSError:
            pass
        answer = b""
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except OSError:
            pass
        connection.close()
        enveloped += answer.startswith(b"HTTP/1.1 400") and b'"error_message"' in answer
    return enveloped


def bench_abuse(args, report, work):
    lines = ["| run | requests | requests/s | p99 | non-2xx | socket errors | server peak RSS |", "|---|---|---|---|---|---|---|"]
    checks = []

    def add(name, figures, server):
        lines.append(f"| {name} | {figures['requests']} | {figures['rate']:.0f} | {figures['p99']:.2f} ms |"
                     f" {figures['non2xx']} | {figures['socket_errors']} | {peak_rss_mib(server.process.pid):.1f} MiB |")

    for key in (True, False):
        # Unique 2 KB paths until a million requests have been sent.
        server = Server(args.binary, work)
        try:
            total = {"requests": 0, "rate": 0, "p99": 0, "non2xx": 0, "socket_errors": 0}
            while total["requests"] < 1_000_000:
                run = wrk(server.base + "/", 20, key=key, script=UNIQUE_PATHS_LUA, work=work)
                for name in ("requests", "non2xx", "socket_errors"):
                    total[name] += run[name]
                total["rate"], total["p99"] = run["rate"], max(total["p99"], run["p99"])
            add(f"DELETE to unique 2 KB paths, {'with' if key else 'without'} a key", total, server)
            checks.append((f"peak RSS < 100 MB after 1 000 000 unique paths {'with' if key else 'without'} a key",
                           f"{peak_rss_mib(server.process.pid):.1f} MiB", peak_rss_mib(server.process.pid) < 100))
        finally:
            server.stop()
    server = Server(args.binary, work)
    try:
        add("GET groups (reads)", wrk(server.base + "/open/numbers/groups?country=GB", 8), server)
        group = json.loads(subprocess.run(
            ["curl", "-s", "-H", "X-User-API-Key: k", server.base + "/open/numbers/groups?country=GB"],
            check=True, capture_output=True, text=True).stdout)["data"]["groups"][0]["id"]
        add("POST reservations (writes; most refused once the group's numbers are held)",
            wrk(server.base + "/open/numbers/reservations", 8, script=WRITES_LUA.replace("GROUP", group), work=work),
            server)
        # 3 000 connections left idle in the middle of a request head, while reads are measured.
        import threading
        port = int(server.base.rsplit(":", 1)[1])
        result = {}
        idle = threading.Thread(target=lambda: result.update(closed=slowloris(port, 3000, 25)))
        idle.start()
        time.sleep(4)
        reads = wrk(server.base + "/open/numbers/groups?country=GB", 8)
        add("GET groups with 3 000 idle half-sent requests open", reads, server)
        idle.join()
        checks.append(("reads p99 < 10 ms with 3 000 idle sockets", f"{reads['p99']:.2f} ms", reads["p99"] < 10))
        lines.append(f"| the 3 000 idle connections closed by the server within 25 s | {result['closed']} | | | | | |")
        enveloped = malformed(port, 400)
        lines.append(f"| malformed requests answered 400 with the envelope | {enveloped} of 400 | | | | |"
                     f" {peak_rss_mib(server.process.pid):.1f} MiB |")
        alive = server.process.poll() is None
        checks.append(("the server survives all of it", "alive" if alive else "ended", alive))
    finally:
        server.stop()
    lines += ["", "Each run against a fresh `2cs sandbox serve --memory` (the unique paths: one server per key case; the"
              " rest: one server in turn), with wrk -t2 -c32 and the scripts in scripts/bench/measure.py."]
    report.section("Abuse: floods, idle connections and malformed HTTP against `2cs sandbox serve`", lines)
    for check in checks:
        report.check(*check)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as file:
            model = re.search(r"model name\s*:\s*(.*)", file.read()).group(1)
    except (OSError, AttributeError):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30

    def version(command):
        try:
            return sh(command + " 2>&1").strip().splitlines()[0]
        except subprocess.CalledProcessError:
            return "unknown"

    return [
        f"- {platform.system()} {platform.release()} {platform.machine()}, {os.cpu_count()} cores ({model}),"
        f" {memory:.0f} GiB",
        f"- {version('swift --version')}", f"- {version('jq --version')}, {version('python3 --version')},"
        f" requests {version(REQUESTS_VERSION)},"
        f" {version('curl --version')}", f"- {version('hyperfine --version')}, {version('wrk -v || true')}, {version(NGINX + ' -v')}",
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--results", help="write the table here")
    parser.add_argument("benchmarks", nargs="*", default=["cold", "loop", "filter", "flow", "calls", "completion", "serve", "abuse"])
    args = parser.parse_args()
    report = Report()
    started = time.time()
    with tempfile.TemporaryDirectory() as work:
        os.environ.update(HOME=work, XDG_STATE_HOME=work + "/state", XDG_CONFIG_HOME=work + "/config")
        for name in args.benchmarks:
            print(f"== {name}", file=sys.stderr, flush=True)
            globals()[f"bench_{name}"](args, report, work)
    minutes = (time.time() - started) / 60
    commit = sh(f"git -C {ROOT} rev-parse --short HEAD").strip()
    text = "\n".join([
        "# Benchmark results", "",
        f"Written by `scripts/bench/run` from one run of {minutes:.1f} minutes on {time.strftime('%Y-%m-%d')},"
        f" at commit {commit}. Times in milliseconds unless marked; each figure is the median of its runs, with"
        " the min and max. A ratio is 2cs's median over the other's: below 1, 2cs is faster.", "",
        "## Targets", "", "| target | figure | |", "|---|---|---|", *report.checks, "",
        "## Machine", "", *machine(), "", *report.sections])
    if args.results:
        with open(args.results, "w") as file:
            file.write(text)
        print(f"wrote {args.results}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
