"""Run K dashboard processes on one data folder, for Apache's balancer in front (deploy/apache/biwaq-balancer.inc).

    BIWAQ_DATA_DIR=/srv/biwaq/snapshots python deploy/processes.py --processes 2 --base-port 8501 \\
        --members /etc/apache2/biwaq-members.conf [-- more streamlit options]

Why: one Streamlit process runs every session's script on threads under one GIL, so N sessions rerunning at
the same moment queue behind each other (p95 of N simultaneous reruns on C cores is at least about N/C times
one rerun, docs/benchmark.md). K processes (about one per core) share that queue between the cores.

What it does:
- writes the balancer's member list (one `BalancerMember … route=<i> upgrade=websocket` line per process) to
  --members, the file the Apache site includes as ${BIWAQ_BALANCER_MEMBERS}; reload Apache after a change of K;
- starts K servers with the warm-start launcher (`python -m ui.warm`, data loaded before the first visitor,
  MALLOC_ARENA_MAX=2) on 127.0.0.1 and ports base, base+1, … (or --ports), all with the same environment, so
  all serve the same BIWAQ_DATA_DIR; each sees a new import or activation on its next rerun (ui/data.py reads
  the store's ACTIVE on every run), no restart needed;
- restarts a server that exits (after 2 s), stops all on SIGTERM/SIGINT.

Memory: each process loads the active snapshot itself (at 1.000.000 participants about 650 MB resident per
process after its warm-up, 970 MB at the peak while loading; docs/operations.md section 5).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STREAMLIT_OPTIONS = ["--server.address", "127.0.0.1", "--server.headless", "true",
                     "--browser.gatherUsageStats", "false"]


def members_conf(ports: list[int], host: str = "127.0.0.1") -> str:
    """The balancer's member lines: route i+1 for the i-th port (the sticky cookie ROUTEID=.<route>)."""
    lines = ["# Written by deploy/processes.py: one line per dashboard process (route = ROUTEID cookie value)."]
    lines += [f'BalancerMember "http://{host}:{port}" route={i} upgrade=websocket'
              for i, port in enumerate(ports, start=1)]
    return "\n".join(lines) + "\n"


def write_members(path: Path, ports: list[int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(members_conf(ports), encoding="utf-8")
    os.replace(tmp, path)


def server_command(port: int, extra: list[str]) -> list[str]:
    return [sys.executable, "-m", "ui.warm", *STREAMLIT_OPTIONS, "--server.port", str(port), *extra]


def _log(message: str) -> None:
    print(f"[biwaq processes {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def supervise(ports: list[int], extra: list[str]) -> int:
    """Start one server per port, restart those that exit, stop all on SIGTERM/SIGINT."""
    stopping = False

    def stop(signum, frame):  # noqa: ARG001
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def start(port: int) -> subprocess.Popen:
        proc = subprocess.Popen(server_command(port, extra), cwd=ROOT, env=os.environ.copy())
        _log(f"server on 127.0.0.1:{port} started (pid {proc.pid})")
        return proc

    procs = {port: start(port) for port in ports}
    while not stopping:
        time.sleep(0.5)
        for port, proc in list(procs.items()):
            code = proc.poll()
            if code is not None and not stopping:
                _log(f"server on port {port} (pid {proc.pid}) exited with {code}; restarting in 2 s")
                time.sleep(2)
                if not stopping:
                    procs[port] = start(port)
    for proc in procs.values():
        if proc.poll() is None:
            proc.terminate()
    deadline = time.time() + 15
    for proc in procs.values():
        try:
            proc.wait(max(deadline - time.time(), 0.1))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    _log("all servers stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    extra: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1:]
    parser = argparse.ArgumentParser(prog="python deploy/processes.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="number of servers K (default: one per core)")
    parser.add_argument("--base-port", type=int, default=8501, help="port of the first server (default 8501)")
    parser.add_argument("--ports", help="comma-separated ports instead of --processes/--base-port")
    parser.add_argument("--members", type=Path, required=True,
                        help="file with the BalancerMember lines (the site's ${BIWAQ_BALANCER_MEMBERS})")
    parser.add_argument("--members-only", action="store_true", help="write the member file and exit")
    args = parser.parse_args(argv)
    if args.ports:
        ports = [int(p) for p in args.ports.split(",") if p.strip()]
    else:
        ports = [args.base_port + i for i in range(args.processes)]
    if not ports:
        parser.error("at least one process")
    write_members(args.members, ports)
    _log(f"{len(ports)} member(s) written to {args.members}")
    if args.members_only:
        return 0
    return supervise(ports, extra)


if __name__ == "__main__":
    sys.exit(main())
