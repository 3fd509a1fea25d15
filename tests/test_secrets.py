"""The password never shows: not in output, not in
tracebacks, not in the server's logs; the local server listens on loopback
only; its password file is private.

Commands run in subprocesses (``python -m kb.cli``), so output and tracebacks
are the real ones a user would see.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kb.server.local import free_port

ROOT = Path(__file__).resolve().parent.parent


def kb(*args: str, env: dict[str, str] | None = None, code: str | None = None) -> subprocess.CompletedProcess:
    """Run kb as a user would, with no NEO4J_* from this process' environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    cmd = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "kb.cli", *args]
    return subprocess.run(cmd, env={**base, **(env or {})}, capture_output=True, text=True, timeout=180, cwd=ROOT)


def assert_hidden(result: subprocess.CompletedProcess, *words: str) -> str:
    out = result.stdout + result.stderr
    for w in words:
        assert w not in out, f"{w!r} leaked:\n{out}"
    return out


def env_of(settings, password: str | None = None) -> dict[str, str]:
    return {
        "NEO4J_URI": settings.uri,
        "NEO4J_USER": settings.user,
        "NEO4J_PASSWORD": settings.password if password is None else password,
        "NEO4J_DATABASE": settings.database,
    }


@pytest.fixture
def secret() -> str:
    return "kb-Secret-" + secrets.token_hex(6)


def test_verbose_success_does_not_show_the_password(neo4j_settings):
    result = kb("--verbose", "db", "status", env=env_of(neo4j_settings))
    assert result.returncode == 0, result.stderr
    assert_hidden(result, neo4j_settings.password)


def test_unreachable_server_with_verbose(secret):
    port = free_port()
    result = kb("--verbose", "--uri", f"bolt://127.0.0.1:{port}", "--password", secret, "db", "status")
    assert result.returncode == 1
    out = assert_hidden(result, secret)
    assert out.startswith(f"Error: cannot reach Neo4j at bolt://127.0.0.1:{port}")
    assert "Traceback" not in out


def test_wrong_password_with_verbose(neo4j_settings, secret):
    env = env_of(neo4j_settings, password="") | {"NEO4J_USER": "kb-intruder"}  # not neo4j: see test_server
    result = kb("--verbose", "--password", secret, "db", "status", env=env)
    assert result.returncode == 1
    out = assert_hidden(result, secret, neo4j_settings.password)
    assert "wrong user name or password" in out and "Traceback" not in out


def test_password_written_into_the_uri_is_masked(secret):
    port = free_port()
    result = kb("--verbose", "--uri", f"bolt://neo4j:{secret}@127.0.0.1:{port}", "db", "status")
    assert result.returncode == 1
    out = assert_hidden(result, secret)
    assert f"bolt://neo4j:********@127.0.0.1:{port}" in out


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:notaport", "bolt://[::1", "bolt://127.0.0.1:99999"])
def test_malformed_uri_is_a_clear_error_not_a_crash(uri, secret):
    result = kb("--verbose", "--uri", uri, "--password", secret, "db", "status")
    assert result.returncode == 1, result.stderr
    out = assert_hidden(result, secret)
    assert out.startswith(f"Error: NEO4J_URI {uri!r} is not a Neo4j address")
    assert "Traceback" not in out


def test_load_errors_do_not_show_the_password(neo4j_settings, tmp_path, secret):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"topics:\n  - {{slug: x, name: {secret}, note: !!python/object/apply:os.system [ls]}}\n")
    result = kb("--verbose", "load", str(bad), env=env_of(neo4j_settings))
    assert result.returncode == 1
    assert_hidden(result, neo4j_settings.password)


def test_unexpected_failure_traceback_is_redacted(neo4j_settings, secret):
    """A bug whose exception text holds the password (forced here: the
    connection check raises it): --verbose prints the real traceback, with
    the password masked, and exit code 2."""
    code = (
        "import sys, kb.db\n"
        "def boom(self):\n"
        "    raise RuntimeError(f'boom with {self.settings.password} and bolt://u:{self.settings.password}@h')\n"
        "kb.db.Database.verify = boom\n"
        "from kb.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    for verbose in (["--verbose"], []):
        result = kb(*verbose, "--password", secret, "--uri", neo4j_settings.uri, "db", "status", code=code)
        assert result.returncode == 2
        out = assert_hidden(result, secret)
        assert "Error: unexpected failure" in out
        assert "boom with ********" in out
        assert ("Traceback (most recent call last)" in out) == bool(verbose)


def test_server_logs_do_not_hold_the_password(neo4j_settings, local_server):
    server = local_server
    leaks = []
    for f in (server.home / "logs").rglob("*"):
        if f.is_file() and neo4j_settings.password.encode() in f.read_bytes():
            leaks.append(str(f))
    conf = server.conf_dir / "neo4j.conf"
    assert neo4j_settings.password not in conf.read_text()
    assert leaks == []


def _listening(pid: int) -> list[str]:
    """host:port of every TCP socket process ``pid`` listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    found = []
    for table, v6 in (("tcp", False), ("tcp6", True)):
        lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        for line in lines:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            addr_hex, port_hex = local.split(":")
            raw = bytes.fromhex(addr_hex)
            if v6:  # four little-endian words; Java listens on IPv4-mapped ::ffff:127.0.0.1
                ip6 = ipaddress.IPv6Address(b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4)))
                host = str(ip6.ipv4_mapped or ip6)
            else:
                host = str(ipaddress.IPv4Address(raw[::-1]))
            found.append(f"{host}:{int(port_hex, 16)}")
    return found


def test_local_server_listens_on_loopback_only(local_server):
    server = local_server
    pid = server.pid()
    listening = _listening(pid)
    assert f"127.0.0.1:{server.bolt_port}" in listening
    assert f"127.0.0.1:{server.http_port}" in listening
    assert all(ipaddress.ip_address(a.rsplit(":", 1)[0]).is_loopback for a in listening), listening
    conf = server.conf_file.read_text()
    assert "server.default_listen_address=127.0.0.1" in conf


@pytest.mark.slow
def test_local_server_password_file_is_private(neo4j_server, tmp_path):
    """The lifecycle test (test_server.py, slow) checks a fresh `kb db start`;
    this checks the session's server, and that kb tightens a password file
    someone left readable before the first start."""
    from kb.server.local import LocalServer, _java

    server = neo4j_server.local
    if server is not None and server.password_file.exists():
        assert stat.S_IMODE(server.password_file.stat().st_mode) == 0o600
    installed = LocalServer.default()
    if not installed.installed():
        pytest.skip("kb's local server is not installed")
    fresh = LocalServer(home=tmp_path / "home", lib=installed.lib)
    fresh._lay_out()
    fresh.password_file.write_text("a-readable-password\n")
    fresh.password_file.chmod(0o644)
    fresh._ensure_initial_password(_java())
    assert stat.S_IMODE(fresh.password_file.stat().st_mode) == 0o600
