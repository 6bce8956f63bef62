"""A small local network for whole-round tests: three roster sites, two served on 127.0.0.1
by a server the test starts, one down (connection refused); the CLI runs in subprocesses
against a workspace of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))

from collect_server import SiteServer, closed_port  # noqa: E402

# accounts: one with a feed the network serves, one with no input at all
FED, UNFED = "340000M001TT0001", "340000M002TT0002"
FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>示例发布</title><link>http://www.a.gov.test/</link>
<item><title>示例市召开工作会议</title><link>http://www.a.gov.test/news/1.html</link>
<pubDate>Sat, 25 Jun 2022 09:00:00 +0800</pubDate><description>会议部署工作。</description></item>
</channel></rss>"""
UP = ("3400000001", "3400000002")
DOWN = "3400000003"
HOSTS = {"3400000001": "www.a.gov.test", "3400000002": "www.b.gov.test",
         DOWN: "www.c.gov.test"}


def _page(title: str, links: list[str], text: str = "") -> str:
    anchors = "".join(f'<li><a href="{h}">{h}</a></li>' for h in links)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1><ul>{anchors}</ul><p>{text}</p>"
            "<div class='footer'>主办单位：示例局 联系电话：0550-1234567</div></body></html>")


@dataclass
class SmallNetwork:
    server: SiteServer
    workspace: Path
    down_port: int
    sources: Path | None = None  # the accounts' 采集地址 table

    def homepage(self, code: str) -> str:
        port = self.down_port if code == DOWN else self.server.port
        return f"http://{HOSTS[code]}:{port}/"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "GOVINSPECT_DATABASE_URL"}
        env["GOVINSPECT_WORKSPACE"] = str(self.workspace)
        return env

    def gi(self, *args: str, check: bool = True, timeout: float = 600
           ) -> subprocess.CompletedProcess:
        """`govinspect ARGS…` in a fresh process on this network's workspace."""
        run = subprocess.run([sys.executable, "-m", "govinspect.cli", *args],
                             capture_output=True, text=True, env=self.env(), timeout=timeout)
        if check:
            assert run.returncode == 0, (args, run.stdout[-3000:], run.stderr[-3000:])
        return run

    def resolve_args(self) -> list[str]:
        out = []
        for host in HOSTS.values():
            out += ["--resolve", f"{host}=127.0.0.1"]
        return out

    def run_round(self, name: str = "R1", *extra: str, check: bool = True
                  ) -> subprocess.CompletedProcess:
        return self.gi("round", "run", name, *self.resolve_args(), "--allow-private",
                       "--workers", "1", *extra, check=check)


def start_network(tmp_path: Path):
    """The running network with its roster imported; a generator (stop it to shut down)."""
    server = SiteServer()
    for code in UP:
        host = HOSTS[code]
        server.html(host, "/", _page(f"{host} 首页", ["/news/1.html", "/news/2.html"]))
        for n in (1, 2):
            server.html(host, f"/news/{n}.html",
                        _page(f"新闻{n}", ["/"], "2022-06-20 本站发布的工作动态。"))
    server.raw(HOSTS[UP[0]], "/robots.txt", 200, "text/plain", b"User-agent: *\nAllow: /\n")
    server.raw(HOSTS[UP[0]], "/feed.xml", 200, "application/rss+xml", FEED.encode("utf-8"))
    server.thread.start()
    net = SmallNetwork(server, tmp_path / "ws", closed_port())
    net.workspace.mkdir()
    roster = tmp_path / "roster.csv"
    rows = ["网站标识码,网站名称,首页网址,网站类型,主办单位,所属地区,其他域名"]
    for i, code in enumerate((*UP, DOWN), start=1):
        rows.append(f"{code},示例{i}局网站,{net.homepage(code)},部门,示例市第{i}局,市直,")
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(
        "账号标识码,平台,账号名称,认证主体,是否备案,主办单位,所属地区\n"
        f"{FED},今日头条,示例发布,示例市第1局,是,示例市第1局,市直\n"
        f"{UNFED},今日头条,示例服务,示例市第2局,是,示例市第2局,市直\n", encoding="utf-8")
    net.sources = tmp_path / "sources.csv"
    net.sources.write_text(f"账号标识码,采集方式,地址\n{FED},feed,"
                           f"{net.server.url(HOSTS[UP[0]], '/feed.xml')}\n", encoding="utf-8")
    net.gi("roster", "import", str(roster), str(accounts))
    yield net
    server.httpd.shutdown()
    server.httpd.server_close()
