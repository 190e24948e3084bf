"""wrk, the load generator: one process a run, its Lua script's parameters, its results."""

import json
import re
import shutil
import subprocess
from typing import Any

from bench.harness import DATA, ROOT, BenchError

WRK_JSON = re.compile(r"^BENCH_JSON (.*)$", re.MULTILINE)


def lua_value(value: Any) -> str:
    """Python data as a Lua literal (strings, numbers, lists, dicts)."""
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string literal is a valid Lua string literal
    if isinstance(value, list | tuple):
        return "{" + ", ".join(lua_value(item) for item in value) + "}"
    if isinstance(value, dict):
        return (
            "{" + ", ".join(f"[{json.dumps(k)}] = {lua_value(v)}" for k, v in value.items()) + "}"
        )
    raise TypeError(type(value))


class Wrk:
    """One wrk process; several can run side by side (reads and writes)."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        duration: float,
        threads: int = 2,
        connections: int = 16,
        headers: tuple[str, ...] = (),
        params: dict[str, Any] | None = None,
    ) -> None:
        wrk = shutil.which("wrk")
        if wrk is None:
            raise BenchError("wrk is not installed: apt-get install wrk")
        DATA.mkdir(parents=True, exist_ok=True)
        params = {"out_dir": str(DATA), "run_name": name, "nthreads": threads, **(params or {})}
        script = DATA / f"wrk-{name}.lua"
        header = "".join(f"{key} = {lua_value(value)}\n" for key, value in params.items())
        script.write_text(header + (ROOT / "bench" / "wrk.lua").read_text())
        self.duration = duration
        self.name = name
        self.cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s"]
        # A slow page under load is measured rather than dropped.
        self.cmd += ["--timeout", "5s", "--latency", "--script", str(script)]
        for header_line in ("Accept-Encoding: gzip", *headers):
            self.cmd += ["--header", header_line]
        self.cmd.append(url)
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> "Wrk":
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument list
            self.cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def result(self) -> dict[str, Any]:
        assert self.process is not None  # noqa: S101 - start() comes first
        try:
            stdout, stderr = self.process.communicate(timeout=self.duration + 60)
        finally:
            self.stop()
        match = WRK_JSON.search(stdout)
        if self.process.returncode != 0 or match is None:
            raise BenchError(f"wrk failed: {stderr.strip() or stdout[-2000:]}")
        result: dict[str, Any] = json.loads(match.group(1))
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
        result["errors"] = sum(
            result[key] for key in ("connect", "read", "write", "timeout", "status")
        )
        pks = DATA / f"pks-{self.name}.txt"
        result["pks"] = [int(pk) for pk in pks.read_text().split()] if pks.exists() else []
        pks.unlink(missing_ok=True)
        return result

    def run(self) -> dict[str, Any]:
        return self.start().result()
