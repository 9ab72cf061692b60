"""`govreport serve`: the web form for agency staff, on this computer only unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址；默认只允许本机访问"),
    port: int = typer.Option(8000, "--port", help="端口", min=0, max=65535),
    data: Path = typer.Option(Path("."), "--data", help="报告所在目录（其中的 *.yaml）"),
) -> None:
    """打开网页填报表单：按官方表格填写，即时核对，保存为 YAML，下载 HTML、DOCX、PDF。"""
    if not data.is_dir():
        typer.echo(f"错误：数据目录 {data} 不存在或不是目录", err=True)
        raise typer.Exit(2)
    from ..web.server import bind, is_loopback, make_server

    if not is_loopback(host):
        typer.echo(
            f"警告：监听 {host}，同一网络中的其他电脑也能打开、修改 {data.resolve()} 中的报告；"
            "表单没有登录验证，请只在可信的网络中这样使用。",
            err=True,
        )
    try:
        sock = bind(host, port)
    except OSError as exc:
        typer.echo(f"错误：无法监听 {host}:{port}（{exc.strerror}）；端口可能已被占用，可用 --port 换一个", err=True)
        raise typer.Exit(1) from None
    shown = f"[{host}]" if ":" in host else host
    port_shown = sock.getsockname()[1]
    typer.echo(f"填报表单已启动：http://{shown}:{port_shown}/  （数据目录 {data.resolve()}；按 Ctrl+C 停止）", err=True)
    make_server(data.resolve(), host, sock).run(sockets=[sock])
