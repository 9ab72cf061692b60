"""`govreport templates new`: the files of a new pack, documented, that as written renders exactly like its parent."""

from __future__ import annotations

from .pack import Pack
from .schema import Settings

BLOCKS = {
    "extra_css": "追加的 CSS（只影响 HTML 和 PDF），如 .govreport .title { letter-spacing: 2pt; }",
    "header": "标题区（默认一行 <h1 class=\"title\">）；可在标题前后加一行，如文号",
    "preface": "前言区",
    "sections": "六个部分（标题、正文和表格）",
    "signature": "落款区（发文机关和日期）",
}

SECTION_EXAMPLE = [
    {"id": "proposals", "heading": "人大代表建议和政协提案办理结果公开情况", "part": "other", "required": True},
    {
        "id": "key_tasks",
        "heading": "年度政务公开工作要点落实情况",
        "part": "other",
        "required": False,
        "text": "{{ year }}年，本机关按照年度政务公开工作要点逐项落实。",
    },
]


def _commented(lines: list[str]) -> list[str]:
    return ["  # " + line[2:] for line in lines]


def scaffold_pack(name: str, parent: Pack, display_name: str = "") -> dict[str, str]:
    """The files of a new pack extending `parent`: pack.yaml listing every setting (commented out, with the value
    it inherits) and report.html listing every block. As written it renders exactly like `parent`."""
    from ..yamlout import block, scalar

    chain = " → ".join([name] + parent.chain)
    lines = [
        f"# 模板包 {name}：继承 {parent.name}（{parent.display_name}）。模板包链：{chain}。",
        "# 只写要改的设置：去掉该设置各行开头的“# ”再修改；没写的设置全部继承上一级，上一级以后的修改也随之生效。",
        "# 映射类设置（fonts、sizes、page、notices…）只需写要改的那一项，如只改正文字号：",
        "#   sizes:",
        "#     body: 15",
        "# 文字类设置可用 {{ 占位符 }}（每项注释列出可用的占位符），按 Jinja 语法，在沙箱中渲染。",
        "# 凡 pack.yaml 里的设置都同时作用于 HTML、DOCX 和 PDF；report.html 的块覆盖只影响 HTML 和 PDF。",
        "# 使用：输入文件写 template: " + name + "，核对与生成时加 --templates <本目录的上一级目录>：",
        "#   govreport check 报告.yaml --templates DIR",
        "#   govreport render 报告.yaml -o 输出目录 --templates DIR",
        "# 详见 docs/packs.md。",
        f"name: {name}",
        f"display_name: {scalar(display_name or name)}",
        'description: ""',
        f"extends: {parent.name}",
        "",
        "settings:",
    ]
    for key, doc in Settings.documented():
        lines.append(f"  # —— {key}：{doc}")
        value = parent.settings.get(key)
        if key == "sections":
            lines.append("  # 例（子模板包按 id 覆盖父模板包的同名章节；输入文件在 text.sections.<id> 写该节文字）：")
            value = parent.sections or SECTION_EXAMPLE
        if value is None:
            continue
        lines += _commented(block(key, value, 2, exact=False))
        lines.append("")
    base_html = next((f"{n}/report.html" for n, d in zip(parent.chain, parent.dirs) if (d / "report.html").is_file()),
                     "base/report.html")
    block_lines = "\n".join(f"    {part}：{doc}" for part, doc in BLOCKS.items())
    html = (
        "{#- 模板包 " + name + " 的版式覆盖：只写要改的块，其余继承 " + base_html + "。\n"
        "    注意：这里的改动只影响 HTML 和 PDF。报告的文字（标题、前言、附加章节、落款）请改 pack.yaml，\n"
        "    它们在生成文档时就已确定，所以 HTML、DOCX、PDF 三者一致。\n"
        "    可覆盖的块：\n" + block_lines + "\n"
        "    写法（去掉外层注释后生效），{{ super() }} 保留上一级的内容：\n"
        "    {% block header %}{{ super() }}<p class=\"doc-number\">（此处加一行）</p>{% endblock %}\n"
        "    {% block extra_css %}.govreport .doc-number { text-align: center; text-indent: 0; }{% endblock %}\n"
        "    模板在沙箱中渲染，可用的变量：doc（文档：title、preface、sections、signature、meta）、settings。\n"
        "-#}\n"
        '{% extends "' + base_html + '" %}\n'
    )
    return {"pack.yaml": "\n".join(lines).rstrip() + "\n", "report.html": html}
