#!/usr/bin/env python3
"""Integration tests of memtop's Prometheus side: the rules of
contrib/prometheus/memtop.rules.yml, the Grafana dashboard of
contrib/grafana/memtop.json, and a real Prometheus scraping a real memtop.

The rules are checked and unit-tested with promtool, and the example
configuration checked (also with its TLS job). One scene serves the rest:

- a linear leaker (2 MiB/s, tests/workloads/leaker.c) and a flat process
  holding 16 MiB (tests/workloads/hold.c);
- memtop --listen 127.0.0.1:0 -d 0.25 -p LEAKER,FLAT (both within the
  default --export-top 10 on any host, so the flat one is there to be not
  suspected), on a clock 4
  times faster (MEMTOP_CLOCK_SCALE=4) so the leak is flagged within seconds;
  MEMTOP_BIN names another binary (default ./memtop);
- the Debian prometheus server on 127.0.0.1 at a free port, a temporary
  storage directory, scrape and evaluation every second, loading a copy of
  the rules in which MemtopLeakSuspected's for: is 5s instead of 15m (the
  only change: the test cannot wait 15 minutes).

Prometheus 2.42 asks for OpenMetrics first (its scrape Accept header), so its
own scrape parses memtop's OpenMetrics page; promtool check metrics parses
and lints the text format 0.0.4 page.

Installs nothing: make deps-check installs prometheus (it is in CHECK_NEEDS).
memtop and prometheus are stopped by pid and the temporary directories
removed, also on failure. Prints "N passed, N failed" last; exit status 1
when anything failed.

    python3 tests/integration/prometheus.py [TEST_NAME...]
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "common"))
from suite import finish, require, run_tests  # noqa: E402
from workload import HOLD, LEAKER, Hold, Leaker  # noqa: E402

RULES = os.path.join(ROOT, "contrib", "prometheus", "memtop.rules.yml")
RULES_TEST = os.path.join(ROOT, "contrib", "prometheus", "memtop.rules.test.yml")
DASHBOARD = os.path.join(ROOT, "contrib", "grafana", "memtop.json")
EXAMPLE = os.path.join(ROOT, "contrib", "prometheus", "prometheus.yml.example")
JOB = "memtop"
LEAK_FOR = "5s"            # MemtopLeakSuspected's for: in the test copy (15m in the file)
START_S = 30               # memtop prints its address / prometheus is ready within this
LEAK_WITHIN_S = 120        # the leaker is suspected (in Prometheus) within this
ALERT_WITHIN_S = 60        # ... and its alert fires within this after that
STOP_S = 15                # a process given SIGTERM ends within this

# The metric names memtop serves (docs/usage.md); the rules and the dashboard
# may name nothing else but their own recording rules.
MACHINE = ["memtop_build_info", "memtop_sample_timestamp_seconds", "memtop_processes",
           "memtop_memory_total_bytes", "memtop_memory_available_bytes", "memtop_swap_total_bytes",
           "memtop_swap_free_bytes", "memtop_pressure_memory_some_seconds_total",
           "memtop_pressure_memory_full_seconds_total", "memtop_pressure_memory_some_ratio",
           "memtop_pressure_memory_full_ratio", "memtop_oom_kills_total",
           "memtop_memory_exhaustion_seconds"]
PROCESS = ["memtop_process_resident_bytes", "memtop_process_anon_bytes", "memtop_process_swap_bytes",
           "memtop_process_growth_bytes_per_second", "memtop_leak_suspected", "memtop_leak_score",
           "memtop_process_oom_score", "memtop_process_exhaustion_seconds"]
CGROUP = ["memtop_cgroup_processes", "memtop_cgroup_memory_usage_bytes", "memtop_cgroup_memory_limit_bytes",
          "memtop_cgroup_anon_bytes", "memtop_cgroup_growth_bytes_per_second", "memtop_cgroup_leak_suspected",
          "memtop_cgroup_leak_score", "memtop_cgroup_exhaustion_seconds", "memtop_cgroup_oom_kills_total"]
KNOWN = set(MACHINE + PROCESS + CGROUP)
# What every scrape of a running memtop has (the rest may be absent: no PSI,
# no swap, no shrinking memory, no cgroup v2 ...).
ALWAYS = ["memtop_build_info", "memtop_sample_timestamp_seconds", "memtop_processes",
          "memtop_memory_total_bytes", "memtop_memory_available_bytes", "memtop_oom_kills_total",
          "memtop_process_resident_bytes", "memtop_leak_suspected"]


def free_port():
    """A TCP port free on 127.0.0.1 now (Prometheus has no port 0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, headers=None, timeout=10):
    """(status, headers, body as str); an HTTP error status is returned, not raised."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8", "replace")


def wait_for(what, timeout, probe, interval=0.5):
    """Calls probe() until it returns something true (returned) or timeout
    seconds pass (AssertionError naming what, and probe's last answer)."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = probe()
        except (OSError, ValueError) as e:      # not up yet, connection refused ...
            last = e
        if last and not isinstance(last, Exception):
            return last
        if time.monotonic() >= deadline:
            raise AssertionError("%s: not within %.0f s (last: %r)" % (what, timeout, last))
        time.sleep(interval)


def stop_process(proc):
    """SIGTERM by pid, wait; SIGKILL if it does not end within STOP_S.
    Returns the exit status."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(STOP_S)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode


def rules_for_test(text):
    """The rules with MemtopLeakSuspected's for: shortened to LEAK_FOR."""
    start = text.index("- alert: MemtopLeakSuspected")
    at = text.index("for: 15m", start)
    assert at < text.index("- alert:", start + 1), "MemtopLeakSuspected has no for: 15m"
    return text[:at] + "for: " + LEAK_FOR + text[at + len("for: 15m"):]


def dashboard_exprs(dash):
    """[(where, PromQL)] of every query of the dashboard: panel targets (rows'
    nested panels too), annotations, and the metric of each
    label_values(METRIC, LABEL) variable query."""
    out = []

    def panel_exprs(panels, path):
        for p in panels:
            where = "%s/%s" % (path, p.get("title", p.get("id")))
            for t in p.get("targets", []):
                out.append(("%s [%s]" % (where, t.get("refId")), t["expr"]))
            panel_exprs(p.get("panels", []), where)

    panel_exprs(dash["panels"], "panel")
    for a in dash.get("annotations", {}).get("list", []):
        if "expr" in a:
            out.append(("annotation/" + a["name"], a["expr"]))
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") == "query":
            q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
            m = re.fullmatch(r"label_values\((.+),\s*\w+\)", q.strip())
            out.append(("variable/" + v["name"], m.group(1) if m else q))
    return out


def substitute(expr):
    """A dashboard query as Prometheus would get it: Grafana's interval
    variables become durations, every other $variable the regex .*"""
    expr = re.sub(r"\$\{?__(rate_interval|interval|range)\}?", lambda m: "1m" if m.group(1) != "range" else "1h", expr)
    return re.sub(r"\$\{?\w+(:\w+)?\}?", ".*", expr)


def metric_names(text):
    """The memtop_* names a rules file or dashboard refers to."""
    return set(re.findall(r"\bmemtop_[a-z0-9_]+", text))


class Scene:
    """memtop, prometheus and the workloads, started once; see the module
    comment. Attributes: leaker, flat (workloads), memtop (Popen),
    memtop_url, prom (Popen), prom_url, tmp (directory)."""

    _made = None

    @classmethod
    def get(cls):
        if cls._made is None:
            scene = cls()
            try:
                scene.start()
                cls._made = scene
            except Exception as e:
                scene.close()
                cls._made = e
        if isinstance(cls._made, Exception):
            raise AssertionError("the scene could not start: %s" % cls._made) from cls._made
        return cls._made

    @classmethod
    def close_all(cls):
        if isinstance(cls._made, Scene):
            cls._made.close()

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="memtop-prometheus-")
        self.leaker = self.flat = self.memtop = self.prom = None
        self.memtop_rc = None
        self._suspects = None

    def start(self):
        binary = os.environ.get("MEMTOP_BIN", os.path.join(ROOT, "memtop"))
        if not require([binary, HOLD, LEAKER], "memtop build/workloads/leaker build/workloads/hold"):
            raise AssertionError("a binary is missing")
        if not shutil.which("prometheus"):
            raise AssertionError("prometheus is not installed (make deps-check installs it)")
        self.leaker = Leaker("linear", "--rate", "2048")
        self.flat = Hold(16)
        config_home = os.path.join(self.tmp, "config")
        os.mkdir(config_home)
        self.memtop_err = os.path.join(self.tmp, "memtop.err")
        with open(self.memtop_err, "wb") as err, open(os.path.join(self.tmp, "memtop.out"), "wb") as out:
            self.memtop = subprocess.Popen(
                [binary, "--listen", "127.0.0.1:0", "-d", "0.25", "-p", "%d,%d" % (self.leaker.pid, self.flat.pid)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env=dict(os.environ, MEMTOP_CLOCK_SCALE="4", XDG_CONFIG_HOME=config_home))

        def serving():
            assert self.memtop.poll() is None, "memtop exited (%s): %s" % (
                self.memtop.returncode, self.memtop_stderr()[-1000:])
            m = re.search(r"^memtop: serving metrics on (http://127\.0\.0\.1:(\d+)/metrics)$",
                          self.memtop_stderr(), re.M)
            return m and (m.group(1), m.group(2))

        self.memtop_url, port = wait_for("memtop's 'serving metrics on' line", START_S, serving, 0.1)
        self.memtop_target = "127.0.0.1:" + port

        rules = os.path.join(self.tmp, "memtop.rules.yml")
        with open(RULES) as f, open(rules, "w") as g:
            g.write(rules_for_test(f.read()))
        config = os.path.join(self.tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                    "rule_files:\n  - %s\n"
                    "scrape_configs:\n  - job_name: %s\n    scrape_timeout: 1s\n"
                    "    static_configs:\n      - targets: ['%s']\n" % (json.dumps(rules), JOB, self.memtop_target))
        self.prom_port = free_port()
        self.prom_url = "http://127.0.0.1:%d" % self.prom_port
        self.prom_log = os.path.join(self.tmp, "prometheus.log")
        with open(self.prom_log, "wb") as log:
            self.prom = subprocess.Popen(
                ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(self.tmp, "data"),
                 "--web.listen-address=127.0.0.1:%d" % self.prom_port, "--log.level=warn"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp)

        def ready():
            assert self.prom.poll() is None, "prometheus exited (%s): %s" % (
                self.prom.returncode, self.prom_output()[-2000:])
            return http_get(self.prom_url + "/-/ready", timeout=2)[0] == 200

        wait_for("prometheus ready on %s" % self.prom_url, START_S, ready)

    def memtop_stderr(self):
        with open(self.memtop_err, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def prom_output(self):
        with open(self.prom_log, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def api(self, path, **params):
        """GET prometheus's API; returns (status, the JSON answer)."""
        url = "%s/api/v1/%s?%s" % (self.prom_url, path, urllib.parse.urlencode(params))
        status, _, body = http_get(url)
        return status, json.loads(body)

    def query(self, expr):
        """An instant query's result list; fails on any error."""
        status, ans = self.api("query", query=expr)
        assert status == 200 and ans["status"] == "success", "query %r: %s %s" % (expr, status, ans)
        return ans["data"]["result"]

    def suspects(self):
        """The pids Prometheus has as memtop_leak_suspected == 1 once the
        leaker's is among them (waited for once, up to LEAK_WITHIN_S)."""
        if self._suspects is None:
            q = 'memtop_leak_suspected{job="%s"} == 1' % JOB

            def probe():
                assert self.memtop.poll() is None, "memtop exited: %s" % self.memtop_stderr()[-1000:]
                pids = {r["metric"]["pid"] for r in self.query(q)}
                return str(self.leaker.pid) in pids and pids

            self._suspects = wait_for("%s returns the leaker (pid %d)" % (q, self.leaker.pid),
                                      LEAK_WITHIN_S, probe)
        return self._suspects

    def stop_memtop(self):
        if self.memtop is not None and self.memtop_rc is None:
            self.memtop_rc = stop_process(self.memtop)
        return self.memtop_rc

    def close(self):
        """Stops everything this scene started, whatever happened."""
        try:
            self.stop_memtop()
            if self.prom is not None:
                stop_process(self.prom)
            for w in (self.leaker, self.flat):
                if w is not None:
                    w.stop()
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def promtool(*args, stdin=None):
    p = subprocess.run(["promtool"] + list(args), input=stdin, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


# --- tests of the files alone ------------------------------------------------------

def test_promtool_check_rules():
    """promtool check rules accepts the rules file, and finds every rule in it."""
    rc, out = promtool("check", "rules", RULES)
    assert rc == 0 and "SUCCESS" in out, out
    with open(RULES) as f:
        text = f.read()
    n = len(re.findall(r"^\s*- (record|alert):", text, re.M))
    assert "SUCCESS: %d rules found" % n in out, (n, out)


def test_promtool_test_rules():
    """promtool test rules passes every unit test of the rules."""
    rc, out = promtool("test", "rules", RULES_TEST)
    assert rc == 0 and "SUCCESS" in out, out


def test_rules_name_memtop_metrics():
    """The rules and the dashboard name only metrics memtop serves or the
    rules record; every alert has a severity, a summary and a description
    naming the host; every alert is exercised by the unit tests."""
    with open(RULES) as f:
        rules = f.read()
    with open(DASHBOARD) as f:
        dash = f.read()
    with open(RULES_TEST) as f:
        unit = f.read()
    recorded = set(re.findall(r"^\s*- record: (\S+)", rules, re.M))
    for name, text in (("rules", rules), ("dashboard", dash)):
        unknown = metric_names(text) - KNOWN - {r.split(":")[1] for r in recorded if ":" in r}
        assert not unknown, "the %s name metrics memtop does not serve: %s" % (name, sorted(unknown))
    for r in recorded:
        assert r in dash or r in unit, "recording rule %s is neither on the dashboard nor tested" % r
    alerts = re.split(r"^\s*- alert: ", rules, flags=re.M)[1:]
    assert len(alerts) >= 6, len(alerts)
    for block in alerts:
        name = block.split()[0]
        for need in ("severity:", "summary:", "description:", "$labels.instance"):
            assert need in block, "%s has no %s" % (name, need)
        assert "alertname: %s\n" % name in unit, "%s is not in the unit tests" % name


def test_example_config():
    """contrib/prometheus/prometheus.yml.example passes promtool check config
    with the rules beside it, as it is and with its memtop-tls job (TLS,
    basic auth) uncommented; it scrapes job memtop at 127.0.0.1:19377."""
    tmp = tempfile.mkdtemp(prefix="memtop-promconfig-")
    try:
        shutil.copy(RULES, tmp)
        with open(EXAMPLE) as f:
            text = f.read()
        assert "- job_name: memtop\n" in text and "targets: ['127.0.0.1:19377']" in text, text
        secret = os.path.join(tmp, "secret")
        with open(secret, "w") as f:
            f.write("x\n")
        start = text.index("  # - job_name: memtop-tls")
        tls = text[:start] + re.sub(r"(?m)^  # ", "  ", text[start:])
        tls = tls.replace("/etc/prometheus/memtop.password", secret).replace("/etc/prometheus/memtop-ca.crt", secret)
        assert "scheme: https" in tls and "\n    basic_auth:" in tls and "\n    tls_config:" in tls, tls
        for name, body in (("as-is.yml", text), ("tls.yml", tls)):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write(body)
            rc, out = promtool("check", "config", path)
            assert rc == 0 and "SUCCESS" in out, "%s: %s" % (name, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_dashboard_well_formed():
    """The dashboard is JSON with schemaVersion 38, a Prometheus data-source
    variable every panel uses, an instance variable every query filters on,
    unique panel ids and refIds, and panels within the 24-column grid."""
    with open(DASHBOARD) as f:
        dash = json.load(f)
    assert dash["schemaVersion"] == 38, dash["schemaVersion"]
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    assert variables["instance"]["type"] == "query"
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)), "duplicate panel ids: %s" % ids
    problems = []
    for p in dash["panels"]:
        g = p["gridPos"]
        if g["x"] + g["w"] > 24 or g["w"] <= 0 or g["h"] <= 0:
            problems.append("%s: gridPos %s" % (p["title"], g))
        if p["type"] == "row":
            continue
        if p.get("datasource", {}).get("uid") != "${datasource}":
            problems.append("%s: datasource %s" % (p["title"], p.get("datasource")))
        refs = [t["refId"] for t in p["targets"]]
        if not refs or len(refs) != len(set(refs)):
            problems.append("%s: refIds %s" % (p["title"], refs))
        for t in p["targets"]:
            if "$instance" not in t["expr"]:
                problems.append("%s: %r does not filter on $instance" % (p["title"], t["expr"]))
    assert not problems, problems


# --- tests against prometheus scraping memtop ---------------------------------------

def test_memtop_scraped_up():
    """Prometheus scrapes memtop: up{job="memtop"} == 1 for memtop's address,
    the target is healthy with no scrape error, and memtop_build_info is there."""
    scene = Scene.get()
    q = 'up{job="%s"} == 1' % JOB
    up = wait_for(q, START_S, lambda: scene.query(q))
    assert [r["metric"]["instance"] for r in up] == [scene.memtop_target], up
    status, ans = scene.api("targets")
    targets = [t for t in ans["data"]["activeTargets"] if t["labels"]["job"] == JOB]
    assert len(targets) == 1 and targets[0]["health"] == "up" and targets[0]["lastError"] == "", targets
    info = scene.query('memtop_build_info{job="%s"}' % JOB)
    assert len(info) == 1 and info[0]["value"][1] == "1" and info[0]["metric"].get("version"), info


def test_leaker_suspected_not_flat():
    """memtop_leak_suspected == 1 returns the leaker's pid within 120 s; the
    flat process is exported (memtop_leak_suspected 0), not suspected."""
    scene = Scene.get()
    suspects = scene.suspects()
    assert str(scene.flat.pid) not in suspects, "the flat process %d is suspected: %s" % (scene.flat.pid, suspects)
    flat = scene.query('memtop_leak_suspected{job="%s",pid="%d"}' % (JOB, scene.flat.pid))
    assert len(flat) == 1 and flat[0]["value"][1] == "0", flat
    assert flat[0]["metric"]["comm"] == "hold", flat


def test_recording_rules_live():
    """The recording rules evaluate on memtop's series: the leaker grows
    (memtop:process_growth_bytes_per_hour > 0), the host counts it among its
    suspects, and the suspects' growth sum is positive."""
    scene = Scene.get()
    scene.suspects()
    sel = '{job="%s",pid="%d"}' % (JOB, scene.leaker.pid)
    growth = wait_for("memtop:process_growth_bytes_per_hour%s > 0" % sel, 30,
                      lambda: scene.query("memtop:process_growth_bytes_per_hour%s > 0" % sel))
    assert growth[0]["metric"]["comm"] == "leaker", growth
    count = wait_for("instance:memtop_leak_suspects:count >= 1", 30,
                     lambda: scene.query('instance:memtop_leak_suspects:count{job="%s"} >= 1' % JOB))
    assert count[0]["metric"]["instance"] == scene.memtop_target, count
    total = scene.query('instance:memtop_leak_growth_bytes_per_hour:sum{job="%s"}' % JOB)
    assert total and float(total[0]["value"][1]) > 0, total


def test_rules_healthy():
    """Every rule group is loaded and every rule evaluates without error on
    memtop's real series."""
    scene = Scene.get()
    scene.suspects()

    def evaluated():
        _, ans = scene.api("rules")
        rules = [r for g in ans["data"]["groups"] for r in g["rules"]]
        return rules if all(r.get("lastEvaluation", "").startswith("20") for r in rules) else None

    rules = wait_for("every rule evaluated", 30, evaluated)
    with open(RULES) as f:
        n = len(re.findall(r"^\s*- (record|alert):", f.read(), re.M))
    assert len(rules) == n, "%d rules loaded, %d in the file" % (len(rules), n)
    bad = [(r["name"], r["health"], r.get("lastError")) for r in rules if r["health"] != "ok"]
    assert not bad, bad


def test_leak_alert_fires():
    """MemtopLeakSuspected (for: shortened to 5s) fires for the leaker, its
    annotations name host, process, pid and rate (+N ...iB/h) with no
    template error; no alert names the flat process."""
    scene = Scene.get()
    scene.suspects()

    def firing():
        _, ans = scene.api("alerts")
        mine = [a for a in ans["data"]["alerts"] if a["labels"]["alertname"] == "MemtopLeakSuspected"
                and a["labels"].get("pid") == str(scene.leaker.pid)]
        return [a for a in mine if a["state"] == "firing"]

    alert = wait_for("MemtopLeakSuspected firing for pid %d" % scene.leaker.pid, ALERT_WITHIN_S, firing)[0]
    assert alert["labels"]["severity"] == "warning" and alert["labels"]["comm"] == "leaker", alert
    summary, desc = alert["annotations"]["summary"], alert["annotations"]["description"]
    assert summary == "Memory leak suspected in leaker (pid %d) on %s" % (
        scene.leaker.pid, scene.memtop_target), summary
    assert re.search(r"growing by \+[0-9.]+[KMGT]iB/h", desc), desc
    assert "error" not in desc.lower(), desc
    _, ans = scene.api("alerts")
    for a in ans["data"]["alerts"]:
        assert a["labels"].get("pid") != str(scene.flat.pid), "an alert names the flat process: %s" % a
        for text in a["annotations"].values():
            assert "error expanding template" not in text, a
    series = scene.query('ALERTS{alertname="MemtopLeakSuspected",alertstate="firing",pid="%d"}'
                         % scene.leaker.pid)
    assert len(series) == 1, series


def test_text_format_passes_promtool():
    """memtop's /metrics without an Accept header is the text format 0.0.4,
    which promtool check metrics parses and lints without a complaint; every
    family is a memtop metric (no unknown name), with HELP and TYPE, and the
    families every memtop serves are there."""
    scene = Scene.get()
    status, headers, body = http_get(scene.memtop_url)
    assert status == 200, (status, body[:500])
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4"), headers["Content-Type"]
    rc, out = promtool("check", "metrics", stdin=body)
    assert rc == 0, "promtool check metrics: %s\n(the page begins: %s)" % (out, body[:1000])
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", body, re.M))
    helps = set(re.findall(r"^# HELP (\S+) ", body, re.M))
    assert set(types) == helps, set(types) ^ helps
    unknown = set(types) - KNOWN
    assert not unknown, "families memtop serves that the rules and dashboard do not know: %s" % sorted(unknown)
    missing = set(ALWAYS) - set(types)
    assert not missing, "missing families: %s" % sorted(missing)
    assert types["memtop_oom_kills_total"] == "counter", types
    assert re.search(r'^memtop_process_resident_bytes\{[^}]*pid="%d"[^}]*\} [0-9.e+]+$' % scene.leaker.pid,
                     body, re.M), "no resident bytes sample for the leaker (pid %d)" % scene.leaker.pid


def test_openmetrics_format():
    """With Accept: application/openmetrics-text memtop serves OpenMetrics:
    its content type, HELP and TYPE for every family (counters and infos
    named without _total / _info, their samples with it), every sample line
    well-formed and of a family with a TYPE, and one '# EOF' as the last line."""
    scene = Scene.get()
    status, headers, body = http_get(scene.memtop_url,
                                     {"Accept": "application/openmetrics-text; version=1.0.0"})
    assert status == 200, (status, body[:500])
    assert headers["Content-Type"].startswith("application/openmetrics-text"), headers["Content-Type"]
    assert body.endswith("\n# EOF\n") and body.count("# EOF") == 1, body[-200:]
    types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", body, re.M))
    helps = set(re.findall(r"^# HELP (\S+) ", body, re.M))
    assert types and set(types) == helps, set(types) ^ helps
    assert types.get("memtop_oom_kills") == "counter", "TYPE of the OOM counter: %s" % {
        k: v for k, v in types.items() if "oom" in k}
    assert types.get("memtop_build") == "info", {k: v for k, v in types.items() if "build" in k}
    label = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
    sample = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{%s(,%s)*\})? (\S+)( \S+)?$' % (label, label))
    bad = []
    for line in body.splitlines()[:-1]:
        if line.startswith("#"):
            if not re.match(r"^# (TYPE|HELP|UNIT) ", line):
                bad.append(line)
            continue
        m = sample.match(line)
        if not m:
            bad.append(line)
            continue
        name = m.group(1)
        family = name
        for suffix, kind in (("_total", "counter"), ("_created", "counter"), ("_info", "info")):
            if name.endswith(suffix) and types.get(name[:-len(suffix)]) == kind:
                family = name[:-len(suffix)]
        if family not in types:
            bad.append("no TYPE for: " + line)
        elif types[family] in ("counter", "info") and family == name:
            bad.append("a %s's sample without its suffix: %s" % (types[family], line))
        try:
            float(m.group(4))
        except ValueError:
            bad.append(line)
    assert not bad, "%d bad lines, the first: %s" % (len(bad), bad[:5])


def test_dashboard_queries_parse():
    """Every query of the dashboard (variables as Grafana would send them:
    $instance as .*, $__rate_interval 1m, $__range 1h) parses and runs on
    Prometheus; the suspected-leakers table's queries return the leaker."""
    scene = Scene.get()
    scene.suspects()
    with open(DASHBOARD) as f:
        dash = json.load(f)
    exprs = dashboard_exprs(dash)
    assert len(exprs) >= 20, len(exprs)
    errors = []
    for where, expr in exprs:
        status, ans = scene.api("query", query=substitute(expr))
        if ans.get("status") != "success":
            errors.append("%s: %s: %s %s" % (where, substitute(expr), ans.get("errorType"), ans.get("error")))
    assert not errors, "%d of %d queries fail:\n%s" % (len(errors), len(exprs), "\n".join(errors))
    table = [p for p in dash["panels"] if p["title"] == "Suspected leakers"][0]
    for t in table["targets"][:3]:           # growth, RSS, anon: every suspect has them
        pids = wait_for(t["expr"], 30, lambda: {r["metric"]["pid"] for r in scene.query(substitute(t["expr"]))}
                        & {str(scene.leaker.pid)})
        assert pids == {str(scene.leaker.pid)}, pids
    instances = {r["metric"]["instance"] for r in scene.query(
        [e for w, e in exprs if w == "variable/instance"][0])}
    assert scene.memtop_target in instances, instances


def test_memtop_stops_cleanly():
    """memtop, scraped every second throughout, ends on SIGTERM with status 0
    and printed nothing on stderr but its serving line."""
    scene = Scene.get()
    rc = scene.stop_memtop()
    err = scene.memtop_stderr()
    assert rc == 0, "exit %s: %s" % (rc, err[-2000:])
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("memtop: serving metrics on"), err[-2000:]


TESTS = [test_promtool_check_rules, test_promtool_test_rules, test_rules_name_memtop_metrics,
         test_example_config, test_dashboard_well_formed, test_memtop_scraped_up, test_leaker_suspected_not_flat,
         test_recording_rules_live, test_rules_healthy, test_leak_alert_fires,
         test_text_format_passes_promtool, test_openmetrics_format, test_dashboard_queries_parse,
         test_memtop_stops_cleanly]


def main():
    start = time.monotonic()
    if not shutil.which("promtool"):
        print("promtool is missing: install the Debian package prometheus (make deps-check does)")
        return finish("prometheus.py", start, 0, 1)
    try:
        passed, failed = run_tests(TESTS, lambda test: test(), sys.argv[1:])
    finally:
        Scene.close_all()
    return finish("prometheus.py", start, passed, failed)


if __name__ == "__main__":
    sys.exit(main())
