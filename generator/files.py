"""Files: writing outputs so that nothing half-written is ever left (a temporary file, then a rename), and
judging a destination before any work is done, with the reasons in Chinese. Used by every stage that writes."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_ERRNO_ZH = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "是只读的",
    errno.ENOENT: "不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ENOSPC: "磁盘已满",
    errno.EDQUOT: "超出磁盘配额",
    errno.EISDIR: "是一个文件夹",
    errno.ENAMETOOLONG: "文件名过长",
}


def os_error_zh(exc: OSError) -> str:
    """An OSError as a clerk can read it: the Chinese reason, then the system's own words."""
    reason = _ERRNO_ZH.get(exc.errno or 0)
    system = exc.strerror or str(exc)
    return f"{reason}（{system}）" if reason else system


def destination_problem(folder: Path, create: bool = True) -> str | None:
    """Why nothing can be written into `folder`, in Chinese, or None when it can. Nothing is left behind: a folder
    still to be made is judged by the nearest one that exists, which is tried for real (a temporary file is made and
    removed), since permission bits do not tell for root, a read-only mount or a full disk."""
    folder = Path(folder)
    existing = folder
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink():
            return f"无法写入输出文件夹 {folder}：{existing} 是一个失效的链接"
        existing = existing.parent
    if existing != folder and not create:
        return f"输出文件夹 {folder} 不存在"
    if not existing.is_dir():
        return f"无法写入 {existing}：它是一个文件，不是文件夹" if existing == folder else (
            f"无法写入输出文件夹 {folder}：{existing} 是一个文件，不是文件夹"
        )
    try:
        fd, tmp = tempfile.mkstemp(prefix=".govreport-", suffix=".probe", dir=existing)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        return f"无法写入输出文件夹 {folder}：{os_error_zh(exc)}"
    return None


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written output."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:  # an existing file keeps its permissions (a shared folder's group write, say)
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_problem(exc: OSError) -> str:
    """Why a file given to read cannot be read, in Chinese (every reader says it the same way)."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个目录，不是文件"
    return f"无法读取文件：{exc.strerror or exc}"
