"""`make report-preview`: render the golden fixture's 通报 and look at it.

Builds the 通报 of tests/reports/fixtures/chuzhou-2022q2.yaml (through the runner in
tests/reports/chuzhou_round.py), writes .docx / .xlsx / .html into the output folder, converts
the .docx to PDF with LibreOffice (a private profile in the output folder, so it never touches
the user's) and renders page 1 and the first page of every attachment to PNG at 80 dpi.

Needs the Debian packages libreoffice-writer-nogui, fonts-noto-cjk and poppler-utils.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

from govinspect.reports.notice import build_notice, render_html, write_docx, write_xlsx

RUNNER = Path("tests/reports/chuzhou_round.py")
PACKAGES = "libreoffice-writer-nogui fonts-noto-cjk poppler-utils"


class PreviewError(RuntimeError):
    pass


def _load_runner(path: Path):
    if not path.is_file():
        raise PreviewError(f"找不到样例通报的生成脚本：{path}（请在代码仓库根目录运行）")
    spec = importlib.util.spec_from_file_location("chuzhou_round", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _tool(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise PreviewError(f"未安装 {names[0]}：apt-get install -y {PACKAGES}")


def attachment_pages(page_texts: list[str]) -> list[tuple[int, str]]:
    """(page number, label) of the first page of each attachment: its text begins with
    "附件N" on a line of its own."""
    out: list[tuple[int, str]] = []
    for number, text in enumerate(page_texts, start=1):
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        # pdftotext may space the label out ("附件 1")
        if lines and re.fullmatch(r"附件\s*\d+", lines[0]):
            out.append((number, re.sub(r"\s+", "", lines[0])))
    return out


def preview(out: Path, runner: Path = RUNNER) -> list[Path]:
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    soffice = _tool("soffice", "libreoffice")
    pdftoppm, pdftotext = _tool("pdftoppm"), _tool("pdftotext")
    iset, summary, meta = _load_runner(runner).run()
    notice = build_notice(summary, iset, meta)
    docx = write_docx(notice, out / "通报.docx")
    write_xlsx(notice, out / "附件.xlsx")
    (out / "通报.html").write_text(render_html(notice), encoding="utf-8")
    subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'lo'}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = out / "通报.pdf"
    if not pdf.is_file():
        raise PreviewError(f"LibreOffice 未生成 {pdf}")
    whole = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    pages = whole.split("\f")
    wanted = [(1, "第1页"), *attachment_pages(pages)]
    images = []
    for number, label in wanted:
        prefix = out / f"通报-{label}"
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", str(number), "-l", str(number),
                        "-singlefile", str(pdf), str(prefix)], check=True, timeout=60)
        images.append(prefix.with_suffix(".png"))
    return images


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成样例通报并渲染为图片")
    parser.add_argument("--out", type=Path, default=Path("govinspect-preview"))
    parser.add_argument("--runner", type=Path, default=RUNNER)
    args = parser.parse_args(argv)
    try:
        images = preview(args.out, args.runner)
    except (PreviewError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        print(f"预览失败：{exc}", file=sys.stderr)
        return 1
    for path in images:
        print(f"已生成 {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
