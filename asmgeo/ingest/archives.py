"""Unpacking uploaded archives (zip, KMZ) safely into a folder the caller cleans up.

Before a byte is written, every member is checked: no path that leaves the folder (``../``,
absolute paths, drive letters), no symbolic link, no more than ``limits.max_archive_members``
members, and no more than ``limits.max_uncompressed_mb`` declared in total. While unpacking, the
bytes actually written are counted too, so an archive that lies about its sizes (a zip bomb) is
stopped at the same limit. Problems raise :class:`~asmgeo.errors.UploadFileError` with the issue
code of :mod:`asmgeo.ingest.issues`.
"""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path, PurePosixPath

from asmgeo.config import Limits
from asmgeo.errors import UploadFileError
from asmgeo.i18n import DEFAULT_LANGUAGE
from asmgeo.ingest.issues import message

CHUNK = 1024 * 1024
_SKIPPED_PREFIXES = ("__MACOSX/",)


def unsafe_member_path(name: str) -> bool:
    """True when member ``name`` is absolute or climbs out of the folder it is unpacked into."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return True
    return ".." in PurePosixPath(posix).parts


def is_symlink(info: zipfile.ZipInfo) -> bool:
    """True when the member is a symbolic link (Unix mode bits in its external attributes)."""
    return stat.S_ISLNK(info.external_attr >> 16)


def check_members(archive: zipfile.ZipFile, file_name: str, limits: Limits, lang: str = DEFAULT_LANGUAGE) -> None:
    """Raise :class:`UploadFileError` for the first member or total that breaks the rules."""
    infos = archive.infolist()
    if len(infos) > limits.max_archive_members:
        raise UploadFileError("archive_too_many_members", message(
            "archive_too_many_members", lang, file=file_name, count=len(infos), limit=limits.max_archive_members))
    for info in infos:
        if unsafe_member_path(info.filename):
            raise UploadFileError("archive_unsafe_path", message(
                "archive_unsafe_path", lang, file=file_name, member=info.filename))
        if is_symlink(info):
            raise UploadFileError("archive_symlink", message(
                "archive_symlink", lang, file=file_name, member=info.filename))
    if sum(info.file_size for info in infos) > limits.max_uncompressed_bytes:
        raise _too_large(file_name, limits, lang)


def extract(path: Path, folder: Path, limits: Limits, lang: str = DEFAULT_LANGUAGE) -> list[Path]:
    """Unpack the archive at ``path`` into ``folder`` after :func:`check_members`; the files written, in order."""
    file_name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            check_members(archive, file_name, limits, lang)
            budget = limits.max_uncompressed_bytes
            written = []
            for info in archive.infolist():
                if info.is_dir() or info.filename.startswith(_SKIPPED_PREFIXES):
                    continue
                target = folder.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                if not target.resolve().is_relative_to(folder.resolve()):
                    raise UploadFileError("archive_unsafe_path", message(
                        "archive_unsafe_path", lang, file=file_name, member=info.filename))
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(target, "wb") as sink:
                    budget = copy_capped(source, sink, budget, file_name, limits, lang)
                written.append(target)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError) as exc:
        raise UploadFileError("unreadable_file", message(
            "unreadable_file", lang, file=file_name, reason=_reason(exc))) from None
    return written


def copy_capped(source, sink, budget: int, file_name: str, limits: Limits, lang: str = DEFAULT_LANGUAGE) -> int:
    """Copy ``source`` to ``sink`` while at most ``budget`` bytes remain; the budget left afterwards."""
    while chunk := source.read(CHUNK):
        budget -= len(chunk)
        if budget < 0:
            raise _too_large(file_name, limits, lang)
        sink.write(chunk)
    return budget


def _too_large(file_name: str, limits: Limits, lang: str) -> UploadFileError:
    """The error for an archive that unpacks past the limit."""
    return UploadFileError("archive_too_large", message(
        "archive_too_large", lang, file=file_name, limit_mb=f"{limits.max_uncompressed_mb:g}"))


def _reason(exc: BaseException) -> str:
    """The text of ``exc`` without a trailing full stop (it is embedded in a sentence)."""
    return (str(exc) or type(exc).__name__).rstrip(".")
