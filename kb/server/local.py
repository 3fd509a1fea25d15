"""kb's local Neo4j server, assembled from Maven Central.

Neo4j's tarball cannot be downloaded everywhere, but Maven Central carries the
Community server as jars (``org.neo4j:neo4j``) and Neo4j Browser
(``org.neo4j.client:neo4j-browser``). ``pom.xml`` beside this file pins both;
``install()`` has Maven copy every runtime jar into ``lib/``, and ``start()``
launches ``org.neo4j.server.CommunityEntryPoint`` with the JVM flags Neo4j's
own launcher would pass.

A server *home* holds ``conf/ data/ logs/ run/ import/ plugins/`` and the
generated password. The jars in ``lib/`` can be shared between homes: the test
suite starts a throwaway home on free ports with the installed jars.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.config import DEFAULT_BOLT_PORT, DEFAULT_HTTP_PORT, DEFAULT_USER, kb_home
from kb.errors import ServerError

POM = Path(__file__).with_name("pom.xml")
MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
ADMIN_CLASS = "org.neo4j.cli.AdminTool"

# The flags Neo4j's launcher adds to the JVM (see its neo4j.conf defaults).
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
]


def pinned_versions() -> dict[str, str]:
    """The Neo4j and Browser versions pinned in pom.xml."""
    text = POM.read_text()
    found = dict(re.findall(r"<(neo4j(?:-browser)?)\.version>([^<]+)<", text))
    return {"neo4j": found["neo4j"], "browser": found["neo4j-browser"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    candidates = [Path(java_home) / "bin" / "java"] if java_home else []
    found = shutil.which("java")
    if found:
        candidates.append(Path(found))
    for c in candidates:
        if c.is_file():
            return str(c)
    raise ServerError(
        "Java 17 or 21 is needed to run Neo4j 5.26 and none was found: "
        "install OpenJDK 17 (apt-get install openjdk-17-jre-headless) or set JAVA_HOME"
    )


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not m:
        raise ServerError(f"cannot tell the version of {java}: {out.strip()[:200]}")
    major = int(m.group(1))
    return int(m.group(2)) if major == 1 and m.group(2) else major


@dataclass
class LocalServer:
    """One Neo4j server home on this machine."""

    home: Path
    lib: Path
    bolt_port: int = DEFAULT_BOLT_PORT
    http_port: int = DEFAULT_HTTP_PORT
    heap: str = "2g"
    pagecache: str = "1g"
    jvm_flags: tuple[str, ...] = ()  # more JVM flags, after JVM_FLAGS (a throwaway test server's, e.g.)
    content_port: int | None = None  # Browser's style and guide (kb.server.browser_content); None: chosen at start

    # -- construction -----------------------------------------------------
    @classmethod
    def default(cls) -> LocalServer:
        """kb's own server in KB_HOME, on the ports its config names."""
        base = kb_home()
        server = cls(
            home=base / "neo4j",
            lib=base / "neo4j" / "lib",
            heap=os.environ.get("KB_NEO4J_HEAP", "2g"),
            pagecache=os.environ.get("KB_NEO4J_PAGECACHE", "1g"),
        )
        server._read_ports()
        return server

    def _read_ports(self) -> None:
        if not self.conf_file.is_file():
            return
        text = self.conf_file.read_text()
        bolt = re.search(r"^server\.bolt\.listen_address=.*:(\d+)\s*$", text, re.M)
        http = re.search(r"^server\.http\.listen_address=.*:(\d+)\s*$", text, re.M)
        if bolt:
            self.bolt_port = int(bolt.group(1))
        if http:
            self.http_port = int(http.group(1))
        content = re.search(r"^browser\.post_connect_cmd=.*http://127\.0\.0\.1:(\d+)/", text, re.M)
        if content:
            self.content_port = int(content.group(1))

    # -- paths and addresses ----------------------------------------------
    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def conf_file(self) -> Path:
        return self.conf_dir / "neo4j.conf"

    @property
    def extra_conf_file(self) -> Path:
        return self.home / "neo4j.extra.conf"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "kb-neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    @property
    def browser_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/browser/"

    @property
    def user(self) -> str:
        return DEFAULT_USER

    @property
    def content_dir(self) -> Path:
        """Browser's style and guide, served to Browser (kb.server.browser_content)."""
        return self.home / "browser-content"

    @property
    def content_pid_file(self) -> Path:
        return self.home / "run" / "kb-browser-content.pid"

    @property
    def content_url(self) -> str | None:
        return f"http://127.0.0.1:{self.content_port}" if self.content_port else None

    # -- install ----------------------------------------------------------
    def installed(self) -> bool:
        marker = self.lib / ".kb-installed"
        return marker.is_file() and marker.read_text().strip() == self._marker_text()

    def _marker_text(self) -> str:
        v = pinned_versions()
        return f"neo4j {v['neo4j']} browser {v['browser']}"

    def install(self, log: Callable[[str], None] = lambda s: None) -> bool:
        """Fetch the jars (once) and lay out the home. Returns True if jars were
        fetched, False if they were already there."""
        fetched = False
        if not self.installed():
            mvn = shutil.which("mvn")
            if not mvn:
                raise ServerError(
                    "Maven (mvn) is needed to fetch Neo4j from Maven Central and was not "
                    "found: install it (apt-get install maven), or point kb at another "
                    "Neo4j with NEO4J_URI"
                )
            v = pinned_versions()
            log(f"Fetching Neo4j {v['neo4j']} and Neo4j Browser {v['browser']} from Maven Central ...")
            if self.lib.exists():
                shutil.rmtree(self.lib)
            self.lib.mkdir(parents=True)
            cmd = [
                mvn,
                "-B",
                "-q",
                "-f",
                str(POM),
                "dependency:copy-dependencies",
                f"-DoutputDirectory={self.lib}",
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
                raise ServerError(f"Maven could not fetch Neo4j (exit {proc.returncode}):\n{tail}")
            jars = list(self.lib.glob("*.jar"))
            if not any(j.name.startswith("neo4j-server-") for j in jars):
                raise ServerError(f"Maven ran but {self.lib} has no neo4j-server jar")
            (self.lib / ".kb-installed").write_text(self._marker_text() + "\n")
            log(f"Installed {len(jars)} jars in {self.lib}")
            fetched = True
        self._lay_out()
        return fetched

    def _lay_out(self) -> None:
        for d in ("conf", "data", "logs", "plugins", "import", "run"):
            (self.home / d).mkdir(parents=True, exist_ok=True)
        self.write_conf()

    def write_conf(self) -> None:
        lines = [
            "# Written by kb on every `kb db install` / `kb db start`: edit neo4j.extra.conf",
            "# in the server home instead; its lines are appended below.",
            "server.default_listen_address=127.0.0.1",
            "server.default_advertised_address=127.0.0.1",
            f"server.bolt.listen_address=127.0.0.1:{self.bolt_port}",
            f"server.bolt.advertised_address=127.0.0.1:{self.bolt_port}",
            f"server.http.listen_address=127.0.0.1:{self.http_port}",
            f"server.http.advertised_address=127.0.0.1:{self.http_port}",
            "server.https.enabled=false",
            f"server.memory.heap.initial_size={self.heap}",
            f"server.memory.heap.max_size={self.heap}",
            f"server.memory.pagecache.size={self.pagecache}",
            # No product-usage data: neither the server's usage report nor
            # Neo4j Browser's product analytics (Browser reads client.allow_telemetry).
            "dbms.usage_report.enabled=false",
            "client.allow_telemetry=false",
            "db.tx_log.rotation.retention_policy=2 files",
        ]
        if self.content_url:
            from kb.server.browser_content import post_connect_cmd

            # Browser, once connected, applies kb's style and opens the guide of the named queries
            lines += [
                f"browser.post_connect_cmd={post_connect_cmd(self.content_url)}",
                "browser.remote_content_hostname_whitelist=127.0.0.1,localhost",  # its name in Neo4j 5.26
            ]
        if self.extra_conf_file.is_file():
            lines += ["", "# from neo4j.extra.conf", self.extra_conf_file.read_text().rstrip()]
        self.conf_file.parent.mkdir(parents=True, exist_ok=True)
        self.conf_file.write_text("\n".join(lines) + "\n")

    def _classpath(self) -> str:
        return os.pathsep.join([f"{self.home / 'plugins'}/*", f"{self.conf_dir}/*", f"{self.lib}/*"])

    # -- password ---------------------------------------------------------
    def stored_password(self) -> str | None:
        try:
            return self.password_file.read_text().strip() or None
        except FileNotFoundError:
            return None

    def first_start_done(self) -> bool:
        return (self.home / "data" / "databases" / "system").exists()

    def _ensure_initial_password(self, java: str) -> None:
        """Set the password before the first start: NEO4J_PASSWORD if given,
        else a generated one kept in ``password`` with mode 0600."""
        if self.first_start_done():
            return
        password = os.environ.get("NEO4J_PASSWORD") or self.stored_password()
        if not password:
            password = secrets.token_urlsafe(18)
            fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(password + "\n")
        if self.password_file.exists():
            os.chmod(self.password_file, 0o600)
        if len(password) < 8:
            raise ServerError("NEO4J_PASSWORD must be at least 8 characters for the local server")
        env = dict(os.environ, NEO4J_HOME=str(self.home), NEO4J_CONF=str(self.conf_dir))
        proc = subprocess.run(
            [java, "-cp", self._classpath(), ADMIN_CLASS, "dbms", "set-initial-password", "--", password],
            capture_output=True,
            text=True,
            env=env,
        )
        if proc.returncode != 0:
            out = (proc.stdout + proc.stderr).replace(password, "********")
            raise ServerError(f"could not set the initial password:\n{out.strip()[-800:]}")

    # -- process ----------------------------------------------------------
    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        # A zombie of ours still "exists"; reap it if so.
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                return None
        except ChildProcessError:
            pass
        return pid

    def running(self) -> bool:
        return self.pid() is not None

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log yet)"

    def start(self, timeout: float = 120.0, log: Callable[[str], None] = lambda s: None) -> bool:
        """Start in the background and wait until Bolt answers a query.
        Returns False if it was already running."""
        if self.running():
            return False
        if not self.installed():
            raise ServerError(f"Neo4j is not installed in {self.lib}: run `kb db install` first")
        for port, what, opt in ((self.bolt_port, "Bolt", "--bolt-port"), (self.http_port, "HTTP", "--http-port")):
            if port_in_use(port):
                raise ServerError(
                    f"port {port} ({what}) is already in use, perhaps by another Neo4j: "
                    f"stop it, or choose another port with `kb db start {opt} PORT`"
                )
        java = _java()
        major = _java_major(java)
        if major not in (17, 21):
            raise ServerError(f"Neo4j 5.26 needs Java 17 or 21; {java} is Java {major}")
        if not self.content_port or port_in_use(self.content_port):
            self.content_port = self.http_port + 1 if not port_in_use(self.http_port + 1) else free_port()
        self._lay_out()
        from kb.server.browser_content import write_content

        write_content(self.content_dir)  # before anything runs: a query file with a bad header stops here
        self._ensure_initial_password(java)
        cmd = [
            java,
            "-cp",
            self._classpath(),
            f"-Xms{self.heap}",
            f"-Xmx{self.heap}",
            *JVM_FLAGS,
            *self.jvm_flags,
            MAIN_CLASS,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]
        log_fh = open(self.log_file, "ab")
        proc = subprocess.Popen(
            cmd,
            stdout=log_fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.home,
            start_new_session=True,
        )
        log_fh.close()
        self.pid_file.write_text(f"{proc.pid}\n")
        self._start_content()
        log(f"Starting Neo4j (pid {proc.pid}), waiting for Bolt on port {self.bolt_port} ...")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                self._stop_content()
                raise ServerError(
                    f"Neo4j exited during start-up (exit code {proc.returncode}). "
                    f"Last lines of {self.log_file}:\n{self.log_tail()}"
                )
            if self._answers():
                return True
            time.sleep(0.5)
        self.stop()
        raise ServerError(
            f"Neo4j did not answer on Bolt port {self.bolt_port} within {timeout:.0f} s; "
            f"stopped it. Last lines of {self.log_file}:\n{self.log_tail()}"
        )

    def _answers(self) -> bool:
        if not port_in_use(self.bolt_port):
            return False
        from neo4j import GraphDatabase
        from neo4j.exceptions import DriverError, Neo4jError

        password = os.environ.get("NEO4J_PASSWORD") or self.stored_password()
        try:
            with GraphDatabase.driver(self.bolt_uri, auth=(self.user, password)) as driver:
                driver.execute_query("RETURN 1", database_="neo4j")
            return True
        except (Neo4jError, DriverError, OSError):
            return False

    # -- Browser's style and guide ---------------------------------------------
    def _start_content(self) -> None:
        """Serve Browser's style and guide (``content_dir``) on ``content_port``
        (a process of its own, stopped with Neo4j)."""
        self._stop_content()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kb.server.browser_content", str(self.content_dir), str(self.content_port)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=self.home,
            start_new_session=True,
        )
        self.content_pid_file.write_text(f"{proc.pid}\n")

    def _stop_content(self) -> None:
        try:
            pid = int(self.content_pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            cmdline = None  # gone, or no /proc on this system
        if cmdline is not None and b"kb.server.browser_content" not in cmdline:  # the pid was reused
            self.content_pid_file.unlink(missing_ok=True)
            return
        try:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        self.content_pid_file.unlink(missing_ok=True)

    def stop(self, timeout: float = 60.0) -> bool:
        """Stop cleanly (SIGTERM), killing after ``timeout``. Returns False if
        it was not running."""
        self._stop_content()
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pid() is None:
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
            while self.pid() is not None:
                time.sleep(0.1)
        self.pid_file.unlink(missing_ok=True)
        return True
