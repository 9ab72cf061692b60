"""`python -m generator.web.screenshot OUT.png [--width 390]`: the report page with an error shown on its cell, for
samples/ (1366 px: a laptop; 390 px: a phone).

Serves a copy of inputs/xilinhot-2021.yaml, types a number that breaks 一 + 二 = （七）总计 + 四 into the first
cell of table 三, and photographs the page once the server's finding is shown on that cell (focused: its message
and the row's definition beside it).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from .browser import CHROMIUM, launch
from .server import background

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "inputs" / "xilinhot-2021.yaml"
CELL = 'td[data-key="applications.new[0]"]'


def take(out: Path, width: int = 1366) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(SAMPLE, tmp)
        with background(Path(tmp)) as url, sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                height = 860 if width >= 1000 else 844
                page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                page.goto(f"{url}/report/{SAMPLE.name}")
                page.wait_for_selector("form[data-ready]")
                cell = page.locator(f"{CELL} input")
                cell.fill("9")
                page.wait_for_selector(f"{CELL}.bad")
                page.locator("#grid-applications").scroll_into_view_if_needed()
                page.evaluate("document.querySelector('#sec-applications').scrollIntoView({block: 'start'})")
                page.evaluate("window.scrollBy(0, -170)")
                cell.focus()
                page.wait_for_selector("#tip:not([hidden])")
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
            finally:
                browser.close()


def main(argv: list[str]) -> int:
    width = 1366
    if "--width" in argv:
        at = argv.index("--width")
        width = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2 :]
    out = Path(argv[0]) if argv else ROOT / "samples" / "web-form-error.png"
    if not CHROMIUM.exists():
        print(f"未找到 {CHROMIUM}：请先安装 Debian 的 chromium 软件包（scripts/setup.sh 会安装）", file=sys.stderr)
        return 1
    take(out, width)
    print(f"已生成：{out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
