"""The scale check's servers on loopback: one Redis, two gunicorn app servers and nginx
in front of them, with their config and logs in a temporary folder. Whatever is started
is stopped, and the folder removed, by the ExitStack given to Cluster.
"""

import re
import shutil
import subprocess
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.harness import Daemon, Gunicorn, Reply, fetch, free_port, production_env

NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A server that refuses or drops the connection: try the other one. nginx never
            # retries a POST that reached a server, which may have applied it.
            proxy_next_upstream error timeout;
            proxy_connect_timeout 1s;
            # Only for this check, to see which server answered; never in production.
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def redis_ping(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_timeout=1).ping())
    except redis.RedisError:
        return False


class Cluster:
    """`ports` 0 picks free ports; otherwise nginx on it, the apps and Redis on the next three."""

    def __init__(self, ports: int, stack: ExitStack) -> None:
        self.stack = stack
        self.nginx_port = ports or free_port()
        self.app_ports = [ports + 1, ports + 2] if ports else [free_port(), free_port()]
        self.redis_port = ports + 3 if ports else free_port()
        self.tmp = Path(tempfile.mkdtemp(prefix="trustrepair-scale-"))
        stack.callback(shutil.rmtree, self.tmp, ignore_errors=True)
        # nginx's workers drop root and must still reach their temp folders in here.
        self.tmp.chmod(0o755)
        self.redis = Daemon(
            "redis-server",
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", ""),
                *("--appendonly", "no", "--dir", str(self.tmp)),
            ],
            self.tmp / "redis.log",
            lambda: redis_ping(self.redis_port),
        )
        self.apps: list[Gunicorn] = []

    def start_redis(self) -> None:
        self.stack.callback(self.redis.stop)
        self.redis.start()

    def app_env(self, database_url: str) -> dict[str, str]:
        """What both app servers run with: one database, one Redis, one proxy in front."""
        return production_env(
            database_url,
            CACHE_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            TRUSTED_PROXIES="1",
        )

    def start_apps(self, env: dict[str, str]) -> None:
        for n, port in enumerate(self.app_ports, 1):
            app = Gunicorn(env, ["--workers", "2"], port=port, name=f"app-{n}")
            # app_log() counts what this run logged, not an earlier one.
            app.log.unlink(missing_ok=True)
            self.stack.callback(app.stop)
            app.start()
            self.apps.append(app)

    def start_nginx(self) -> None:
        conf = self.tmp / "nginx.conf"
        servers = "\n".join(
            f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in self.app_ports
        )
        conf.write_text(NGINX_CONF.format(tmp=self.tmp, port=self.nginx_port, servers=servers))
        self.nginx = Daemon(
            "nginx",
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                *("-p", str(self.tmp), "-c", str(conf), "-e", str(self.tmp / "nginx-error.log")),
            ],
            self.tmp / "nginx.out",
            lambda: self.via_nginx("/healthz").status == 200,
        )
        self.stack.callback(self.nginx.stop)
        self.nginx.start()

    def summary(self, database: str) -> str:
        version = subprocess.run(  # noqa: S603 - fixed argument list
            [self.nginx.cmd[0], "-v"], capture_output=True, text=True, check=False
        ).stderr.strip()
        return (
            f"nginx on 127.0.0.1:{self.nginx_port} ({version}) -> app servers "
            f"{', '.join(f'127.0.0.1:{p}' for p in self.app_ports)} (gunicorn, 2 workers each) "
            f"-> PostgreSQL database {database}; Redis on 127.0.0.1:{self.redis_port}; "
            f"CACHE_URL and TRUSTED_PROXIES=1 set on both"
        )

    def via_nginx(
        self,
        path: str,
        *,
        cookie: str = "",
        headers: dict[str, str] | None = None,
        source: str = "",
    ) -> Reply:
        return fetch(self.nginx_port, path, cookie=cookie, headers=headers, source=source)

    def app_log(self, pattern: str) -> int:
        """How many times `pattern` occurs in the app servers' logs."""
        return sum(
            len(re.findall(pattern, app.log.read_text(errors="replace"))) for app in self.apps
        )
