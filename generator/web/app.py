"""The web form's routes (Starlette): the list of reports, the report page, live checks, save, downloads and new
reports. Every check goes through the pipeline (`generator.pipeline`) on the server; the page's JavaScript only
shows the answer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import parse_qsl, quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..files import os_error_zh, write_atomic
from ..limits import MAX_INPUT_BYTES
from ..model.forms import (
    FORMATS,
    KEY_LABELS,
    KINDS,
    OVERVIEW_ASPECTS,
    PARTS,
    format_for_year,
)
from ..model.grid import table_grid
from ..model.source import SourceError
from ..readers.yaml import load_text, read_bounded
from .fields import BASE, OVERVIEW_SHAPE, FormError, cell_label, check_post, computed_keys, form_values
from .help import help_for
from .service import BadName, Busy, Folder, check_fields, digest, entry, last_year_figures, new_report, packs
from .switch import FORMAT_NAMES, SHAPE_NAMES, Switch, format_choice, notes_of, switch, with_notes

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
SECTIONS = ("overview", "active", "applications", "reviews", "problems", "other")  # the six parts' sections
SHORT_PARTS = ("一 总体情况", "二 主动公开", "三 依申请公开", "四 复议诉讼", "五 问题改进", "六 其他事项")
MAX_BODY = 2 * 1024 * 1024  # bytes of one form post: the longest real reports are well under 200 KB
MAX_FIELDS = 2000
# characters a clerk cannot see and a report file cannot hold: the ones YAML refuses (C0 controls but tab and line
# ends, DEL, C1 controls but NEL, U+FFFE/U+FFFF; as the reader's _NON_PRINTABLE), which DOCX's XML refuses as well
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
NEW_LABELS = {
    "name": "文件名", "year": "报告年度", "agency": "报告机关", "kind": "机关类型", "format": "报告格式",
    "last": "上年报告",
}
CONFLICT = "这份报告在您打开之后已被别人（或另一个窗口）保存过；为免互相覆盖，这次没有保存。请选择保留哪一份"
MEDIA = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "yaml": "application/yaml; charset=utf-8",
}


class Web:
    def __init__(self, data_dir: Path, max_body: int = MAX_BODY):
        self.folder = Folder(data_dir)
        self.max_body = max_body
        env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates = Jinja2Templates(env=env)

    # --- helpers
    def page(self, request: Request, template: str, status: int = 200, **context: Any) -> Response:
        return self.templates.TemplateResponse(request, template, context, status_code=status)

    def resolve(self, name: str, must_exist: bool = True) -> Path:
        try:
            return self.folder.path(name, must_exist)
        except BadName as exc:
            raise HTTPException(400, str(exc)) from None
        except FileNotFoundError:
            raise HTTPException(404, f"找不到报告文件“{name}”") from None

    def read(self, name: str) -> str:
        self.resolve(name)
        try:
            return self.folder.read(name)
        except SourceError as exc:
            raise HTTPException(422, f"无法读取“{name}”：{exc.message}") from None

    async def form(self, request: Request) -> dict[str, str]:
        """The posted form (URL-encoded), refused when larger than the cap."""
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise HTTPException(413, f"提交的内容过大（上限 {self.max_body // 1024} KB）")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.max_body:
                raise HTTPException(413, f"提交的内容过大（上限 {self.max_body // 1024} KB）")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/x-www-form-urlencoded":
            raise HTTPException(415, "应以表单（application/x-www-form-urlencoded）提交")
        try:  # strict: a %-escaped byte that is not UTF-8 is refused, never stored as U+FFFD
            pairs = parse_qsl(
                bytes(body).decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
            )
        except UnicodeDecodeError:
            raise HTTPException(400, "提交的内容不是UTF-8编码（含有无法识别的字节）；文件未改动") from None
        except ValueError:
            raise HTTPException(413, f"提交的字段过多（上限 {MAX_FIELDS} 个）") from None
        fields: dict[str, str] = {}
        fmt = next((v for k, v in pairs if k == "format" and v in FORMATS), "2021")
        for key, value in pairs:
            name = self.field_name(key, fmt)
            if key in fields:
                raise HTTPException(400, f"字段{name}提交了两次，无法确定用哪一个；文件未改动")
            bad = _CONTROL.search(value)
            where = f"第{value[: bad.start()].count(chr(10)) + 1}行" if bad and "\n" in value else ""
            bad = bad or _CONTROL.search(key)
            if bad:
                raise HTTPException(
                    400,
                    f"{name}{where}有一个看不见的控制字符（U+{ord(bad.group(0)):04X}，常见于从其他软件粘贴的文字），"
                    "报告中不能含有它；请删去后再保存（文件未改动）",
                )
            fields[key] = value
        return fields

    @staticmethod
    def field_name(key: str, fmt: str) -> str:
        """“label” of a posted field for a message (the raw name, shortened, for a field the form does not have)."""
        if key in NEW_LABELS and key not in KEY_LABELS:
            return f"“{NEW_LABELS[key]}”"
        try:
            label = cell_label(key, fmt) if key in KEY_LABELS or "." in key or "[" in key else key
        except Exception:  # a posted name the form does not know: shown as posted
            label = key
        label = _CONTROL.sub("?", label)
        return f"“{label if len(label) <= 60 else label[:59] + '…'}”"

    # --- pages
    async def index(self, request: Request) -> Response:
        entries = await run_in_threadpool(lambda: [entry(self.folder, n) for n in self.folder.names()])
        return self.page(request, "list.html", entries=entries, folder=str(self.folder.root))

    async def report(self, request: Request) -> Response:
        name = request.path_params["name"]
        text = self.read(name)
        try:
            data = load_text(text).data
        except SourceError as exc:
            where = f"第{exc.line}行：" if exc.line else ""
            raise HTTPException(422, f"“{name}”无法在表单中打开（{where}{exc.message}）；请用文本编辑器修正") from None
        if not isinstance(data, dict):
            raise HTTPException(422, f"“{name}”的顶层不是“键: 值”的映射，无法在表单中打开；请用文本编辑器修正")
        fmt = "2019" if str(data.get("format", "")) == "2019" or (
            "format" not in data and isinstance(data.get("year"), int) and format_for_year(data["year"]) == "2019"
        ) else "2021"
        values = form_values(data, fmt)
        path = self.resolve(name)
        result = await run_in_threadpool(check_fields, values, text, name, path)
        last = await run_in_threadpool(last_year_figures, path, text)
        keys = [k for k in values if not k.startswith("_")]
        pack_list = packs()
        if values["template"] not in {p for p, _ in pack_list}:
            pack_list.append((values["template"], f"{values['template']}（未找到此模板包）"))
        return self.page(
            request,
            "report.html",
            name=name,
            fmt=fmt,
            values=values,
            computed=set(computed_keys(fmt)),
            given=set(values) & set(computed_keys(fmt)),
            tables=table_grid(fmt),  # tables 二, 三, 四: the official labels and merged cells
            packs=pack_list,
            kinds=KINDS,
            parts=PARTS,
            aspects=OVERVIEW_ASPECTS,
            labels=KEY_LABELS,
            label=lambda key: cell_label(key, fmt),
            base=digest(text),
            initial=result.to_json(),
            shape=values[OVERVIEW_SHAPE],
            helps={key: help_for(key, fmt) for key in keys if help_for(key, fmt)},
            sections=list(zip(("general", *SECTIONS), ("基本信息", *SHORT_PARTS))),
            last=last,
            choice=format_choice(values["year"], fmt),
            format_names=FORMAT_NAMES,
            short_formats={"2021": "2021年格式", "2019": "2019年试行格式"},
            shape_names=SHAPE_NAMES,
            kept_notes=notes_of(text),
        )

    # --- API
    @staticmethod
    def whole_post(fields: dict[str, str], original: str, need_base: bool, then: Callable[[], T]) -> T:
        """`then()` once the post is checked as a whole report against the file's data (a FormError → 400)."""
        try:
            data = load_text(original).data
        except SourceError:
            data = None
        try:
            check_post(fields, data, need_base)
            return then()
        except FormError as exc:
            raise HTTPException(400, str(exc)) from None

    @classmethod
    def checked(cls, fields: dict[str, str], original: str, name: str, path: Path, need_base: bool):
        """The post checked as a whole report (FormError → 400), then through `govreport check`."""
        return cls.whole_post(fields, original, need_base, lambda: check_fields(fields, original, name, path))

    async def check(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = self.resolve(name)
        original = self.read(name)
        fields = await self.form(request)
        result = await run_in_threadpool(self.checked, fields, original, name, path, False)
        data = result.to_json()
        data["formats"] = format_choice(fields.get("year", ""), result.fmt)
        return JSONResponse(data)

    def store(self, fields: dict[str, str], name: str, path: Path, target: tuple[str, str] | None = None):
        """Save as one compare-and-swap: under the file's lock, the file must still be the version the page was
        opened on (`_base`); the new text is written to a temporary file and renamed over it. `target`: the
        (format, shape) the report is switched to (`switch.switch`); the answer is then (result, switch)."""
        try:
            with self.folder.lock(path):
                original = self.read(name)
                if fields.get(BASE) is not None and fields[BASE] != digest(original):
                    raise HTTPException(409, CONFLICT)
                switched = None
                if target is None:
                    result = self.checked(fields, original, name, path, True)
                else:
                    switched = self.switched(fields, original, target, True)
                    prepared = with_notes(original, switched.notes)
                    result = check_fields(
                        switched.fields, prepared, name, path, switched=switched.source[0] != switched.target[0]
                    )
                data = result.text.encode("utf-8")
                if len(data) > MAX_INPUT_BYTES:
                    raise HTTPException(
                        413,
                        f"保存后的报告文件会有 {len(data) // 1024:,} KB，超过上限 {MAX_INPUT_BYTES // 1000:,} KB，"
                        "之后将无法打开；未保存，请精简正文",
                    )
                if digest(self.read(name)) != digest(original):  # another program wrote it meanwhile
                    raise HTTPException(409, CONFLICT)
                try:
                    write_atomic(path, data)
                except OSError as exc:
                    raise HTTPException(500, f"无法写入文件：{os_error_zh(exc)}；原文件未改动") from None
                return result if target is None else (result, switched)
        except Busy:
            raise HTTPException(503, "此报告正有另一次保存在进行，请稍后再保存") from None

    @classmethod
    def switched(cls, fields: dict[str, str], original: str, target: tuple[str, str], need_base: bool) -> Switch:
        """The posted form (checked as a whole report) switched to `target` (format, shape); FormError → 400."""
        return cls.whole_post(fields, original, need_base, lambda: switch(fields, target[0], target[1], original))

    async def save(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = self.resolve(name)
        self.read(name)
        fields = await self.form(request)
        result = await run_in_threadpool(self.store, fields, name, path)
        if "application/json" not in request.headers.get("accept", ""):
            return RedirectResponse(f"/report/{quote(name)}?saved=1", status_code=303)
        data = result.to_json()
        data.update(saved=True, base=digest(result.text), formats=format_choice(fields.get("year", ""), result.fmt))
        return JSONResponse(data)

    async def switch(self, request: Request) -> Response:
        """Switch the report's format or the shape of part 一: without `confirm`, what the switch would carry, move
        and leave out (nothing written); with `confirm=1`, the switched report saved as a save is (409 on a newer
        file), with the values that have no place kept in the file as notes."""
        name = request.path_params["name"]
        path = self.resolve(name)
        original = self.read(name)
        fields = await self.form(request)
        query = request.query_params
        fmt = query.get("format") or fields.get("format") or "2021"
        shape = query.get("shape") or fields.get(OVERVIEW_SHAPE) or "single"
        if query.get("confirm") != "1":
            switched = await run_in_threadpool(self.switched, fields, original, (fmt, shape), False)
            return JSONResponse(switched.to_json())
        result, switched = await run_in_threadpool(self.store, fields, name, path, (fmt, shape))
        data = switched.to_json()
        data.update(result.to_json(), saved=True, base=digest(result.text))
        return JSONResponse(data)

    async def current(self, request: Request) -> Response:
        """The saved file's version and its values as the form shows them: for the page's version check and the
        comparison offered when a save meets a newer file."""
        name = request.path_params["name"]
        text = self.read(name)
        try:
            data = load_text(text).data
        except SourceError as exc:
            raise HTTPException(422, f"文件现在无法读取：{exc.message}") from None
        if not isinstance(data, dict):
            raise HTTPException(422, "文件现在的内容无法在表单中显示")
        fmt = "2019" if str(data.get("format", "")) == "2019" else "2021"
        return JSONResponse({"base": digest(text), "values": form_values(data, fmt)})

    async def preview(self, request: Request) -> Response:
        """The saved report as it will be published (the HTML rendering), for the frame under the form; a report
        with errors shows the list of its errors instead."""
        name = request.path_params["name"]
        path = self.resolve(name)
        from ..pipeline import check_file

        checked = await run_in_threadpool(check_file, path, name)
        if not checked.ok:
            errors = [f for f in checked.findings if f.is_error]
            return self.page(request, "preview-refused.html", findings=errors)
        return Response(await self.rendered(checked, "html"), media_type=MEDIA["html"])

    async def download(self, request: Request) -> Response:
        name, fmt = request.path_params["name"], request.path_params["fmt"]
        if fmt not in MEDIA:
            raise HTTPException(404, f"没有“{fmt}”格式的下载；可选 HTML、DOCX、PDF、YAML")
        path = self.resolve(name)
        stem = Path(name).stem
        headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(stem)}.{fmt}"}
        if fmt == "yaml":
            try:
                raw = read_bounded(path)
            except (SourceError, OSError) as exc:
                message = exc.message if isinstance(exc, SourceError) else os_error_zh(exc)
                raise HTTPException(422, f"无法读取“{name}”：{message}") from None
            return Response(raw, media_type=MEDIA[fmt], headers=headers)
        from ..pipeline import check_file

        checked = await run_in_threadpool(check_file, path, name)
        if not checked.ok:
            errors = [f for f in checked.findings if f.is_error]
            return self.page(request, "refused.html", status=409, name=name, fmt=fmt.upper(), findings=errors)
        return Response(await self.rendered(checked, fmt), media_type=MEDIA[fmt], headers=headers)

    @staticmethod
    async def rendered(checked, fmt: str) -> bytes:
        """One format of a checked, valid report, rendered off the event loop; a pack that fails → 500."""
        from ..packs import PackError
        from ..pipeline import render_checked

        try:
            return (await run_in_threadpool(render_checked, checked, (fmt,)))[fmt]
        except PackError as exc:
            raise HTTPException(500, str(exc)) from None

    async def new_page(self, request: Request) -> Response:
        return self.page(request, "new.html", **self._new_context())

    def _new_context(self, **values: Any) -> dict:
        year = dt.date.today().year - 1
        defaults = {"year": str(year), "agency": "", "kind": "government", "format": "", "name": "", "last": ""}
        defaults.update({k: v for k, v in values.items() if k in defaults})
        return {
            "values": defaults, "names": self.folder.names(), "kinds": KINDS, "formats": FORMATS,
            "error": values.get("error"),
        }

    async def new(self, request: Request) -> Response:
        fields = await self.form(request)
        name = fields.get("name", "").strip()
        if name and not name.endswith((".yaml", ".yml")):
            name += ".yaml"
        year_text = fields.get("year", "").strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
        kind = fields.get("kind", "government")
        fmt = fields.get("format", "") or None
        error = None
        try:
            path = self.folder.path(name, must_exist=False)
            if path.exists():
                error = f"“{name}”已存在；请换一个文件名，或从列表中打开它"
        except BadName as exc:
            error = str(exc)
        if not error and not (re.fullmatch(r"[0-9]{4}", year_text) and 2008 <= int(year_text) <= 2100):
            error = "报告年度应为 2008 至 2100 之间的年份"
        if not error and kind not in KINDS:
            error = "机关类型应为人民政府或部门"
        if not error and fmt not in (None, *FORMATS):
            error = "报告格式应为 2021 或 2019"
        last_text = None
        if not error and fields.get("last"):
            try:
                last_text = self.folder.read(fields["last"])
                load_text(last_text)
            except (BadName, FileNotFoundError):
                error = f"找不到上年报告“{fields['last']}”"
            except SourceError as exc:
                error = f"上年报告“{fields['last']}”无法读取：{exc.message}"
        if error:
            return self.page(request, "new.html", status=400, **self._new_context(**fields, error=error))
        text = new_report(int(year_text), fields.get("agency", "").strip(), kind, fmt, last_text)
        try:
            with self.folder.lock(path):
                created = self.folder.create(path, text.encode("utf-8"))
        except Busy:
            created = False
        except OSError as exc:
            raise HTTPException(500, f"无法写入文件：{os_error_zh(exc)}") from None
        if not created:
            error = f"“{name}”已存在；请换一个文件名，或从列表中打开它"
            return self.page(request, "new.html", status=400, **self._new_context(**fields, error=error))
        return RedirectResponse(f"/report/{quote(name)}", status_code=303)

    # --- errors
    async def error(self, request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", None) or "出错了"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": detail}, status_code=status)
        return self.page(request, "error.html", status=status, status_code=status, message=detail)


def _netloc(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return parts.netloc.lower() if parts.scheme in ("http", "https") and parts.netloc else None


def cross_site(headers: dict[str, str]) -> str | None:
    """Why a state-changing request may come from another site's page (None: it comes from this server's pages).
    A browser names the page that sent a POST in `Origin` (Chromium and Firefox always do); without it, `Referer`
    is used. `Origin: null` (a sandboxed frame, a data: or file: page) and a request naming neither are refused."""
    host = headers.get("host", "").lower()
    origin, referer = headers.get("origin"), headers.get("referer")
    if origin is not None:
        if origin.strip().lower() == "null":
            return "拒绝：提交来自无法确认来源的页面（Origin: null），未处理"
        return None if _netloc(origin) == host else "拒绝来自其他网站的提交，未处理"
    if referer is not None:
        return None if _netloc(referer) == host else "拒绝来自其他网站的提交，未处理"
    return "拒绝：提交没有注明来自哪个页面（缺少 Origin 和 Referer），为防其他网站冒用，未处理；请从本机的填报页面提交"


class SameOrigin:
    """Refuse a state-changing request sent by another site's page (a form on any web page can post to
    127.0.0.1): see `cross_site`. GET and HEAD change nothing and are always answered."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] not in self.SAFE:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            problem = cross_site(headers)
            if problem:
                if scope["path"].startswith("/api/"):
                    response: Response = JSONResponse({"error": problem}, status_code=403)
                else:
                    response = PlainTextResponse(problem, status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class NoStore:
    """`Cache-Control: no-store` on every page and answer but the static files: a page shown again (Back, a
    restored tab) is fetched anew, with the file's version as it is now, never an old copy whose save would be
    refused."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, sending)


def create_app(data_dir: str | Path, allowed_hosts: list[str] | None = None, max_body: int = MAX_BODY) -> Starlette:
    """The web form over the reports in `data_dir`. `allowed_hosts` guards a loopback server against DNS rebinding."""
    web = Web(Path(data_dir), max_body)
    routes = [
        Route("/", web.index),
        Route("/new", web.new_page, methods=["GET"]),
        Route("/new", web.new, methods=["POST"]),
        Route("/report/{name}", web.report),
        Route("/report/{name}/download/{fmt}", web.download),
        Route("/api/check/{name}", web.check, methods=["POST"]),
        Route("/api/save/{name}", web.save, methods=["POST"]),
        Route("/api/current/{name}", web.current, methods=["GET"]),
        Route("/api/switch/{name}", web.switch, methods=["POST"]),
        Route("/report/{name}/preview", web.preview, methods=["GET"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [Middleware(NoStore), Middleware(SameOrigin)]
    if allowed_hosts:
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: web.error, 500: web.error},
    )
