"""Writing an export folder: only what changed, atomically, and never a file it did not write.

The folder keeps a manifest (``.labsite-export.json``) of the files the export wrote, with their
SHA-256, size and modification time. A run

- writes a file only when its content differs from what is on disk (so an unchanged file keeps
  its modification time, and a web server's or rsync's idea of it stays valid);
- writes each file to a temporary name beside it and renames it into place, so a server never
  sends half a page;
- removes the files of the previous run that this run did not produce — only those whose content
  is still what the export wrote; a file someone edited since is left where it is;
- refuses, before writing anything, to overwrite a file the manifest does not list (a
  ``CNAME``, a ``README`` a user keeps in the folder) unless it already holds the same bytes.

The manifest is saved before the first file is written with every path this run may write, so
a run that is interrupted still knows, next time, which files are its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".labsite-export.json"
MANIFEST_VERSION = 1

#: A file's content, or a function that reads it (media files are read one at a time).
Source = bytes | Callable[[], bytes]


class ExportError(Exception):
    """Bad input: the message says what is wrong and what to do."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    #: Files of a previous run that were changed by someone since: left in place.
    kept: list[str] = field(default_factory=list)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class Output:
    """The export folder of one lab."""

    def __init__(self, directory: Path, *, lab: str):
        self.root = Path(directory).expanduser()
        self.lab = lab
        self._check_folder()
        self.manifest_path = self.root / MANIFEST
        self.files, self.pending = self._read_manifest()

    def _check_folder(self) -> None:
        root = self.root
        if root.exists() and not root.is_dir():
            raise ExportError(f"{root} is a file, not a folder: give a folder to export into.")
        try:
            root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=root, prefix=".export-probe-"):
                pass
        except OSError as exc:
            raise ExportError(f"Cannot write to {root}: {exc.strerror or exc}.") from exc

    def _read_manifest(self) -> tuple[dict[str, dict], dict[str, str]]:
        if not self.manifest_path.exists():
            return {}, {}
        try:
            data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            files, pending, lab = data["files"], data.get("pending", {}), data["lab"]
            if not isinstance(files, dict) or not isinstance(pending, dict):
                raise TypeError("files")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ExportError(
                f"{self.manifest_path} cannot be read ({exc}); it lists the files a previous "
                "export wrote. Restore it, or export into another folder."
            ) from exc
        if lab != self.lab:
            raise ExportError(
                f"{self.root} holds the export of lab {lab!r}, not {self.lab!r}: export each "
                "lab into its own folder."
            )
        return files, pending

    def owns(self, path: str) -> bool:
        return path in self.files or path in self.pending

    def _disk_hash(self, path: str) -> str | None:
        """The SHA-256 of the file on disk (from the manifest when size and mtime agree)."""
        full = self.root / path
        try:
            stat = full.stat()
        except OSError:
            return None
        if not full.is_file():
            return None
        entry = self.files.get(path)
        if (
            entry
            and entry.get("size") == stat.st_size
            and entry.get("mtime_ns") == stat.st_mtime_ns
        ):
            return entry["sha256"]
        return sha256(full.read_bytes())

    def conflicts(self, paths: dict[str, Source]) -> list[str]:
        """Paths this run would write over a file (or folder) that is not the export's."""
        found = []
        for path, source in paths.items():
            full = self.root / path
            if self.owns(path):
                if full.is_dir():
                    found.append(path)
                continue
            parent = full.parent
            while parent != self.root:
                if parent.exists() and not parent.is_dir():
                    found.append(str(parent.relative_to(self.root)))
                    break
                parent = parent.parent
            if full.is_dir() or (full.exists() and self._disk_hash(path) != sha256(_read(source))):
                found.append(path)
        return sorted(set(found))

    def write(self, paths: dict[str, Source]) -> WriteReport:
        """Make the folder hold exactly ``paths`` (of the export's files); see the module."""
        clash = self.conflicts(paths)
        if clash:
            shown = ", ".join(clash[:10]) + (
                f" and {len(clash) - 10} more" if len(clash) > 10 else ""
            )
            raise ExportError(
                f"{self.root} already has files the export did not write and would replace: "
                f"{shown}. Move them away or export into another folder; nothing was written."
            )
        report = WriteReport()
        new = [path for path in paths if not self.owns(path)]
        if new:
            self._save(self.files, pending={**self.pending, **dict.fromkeys(new, "")})
        mode = 0o666 & ~_umask()
        new_files: dict[str, dict] = {}
        for path in sorted(paths):
            data = _read(paths[path])
            digest = sha256(data)
            full = self.root / path
            if self._disk_hash(path) == digest:
                report.unchanged.append(path)
            else:
                full.parent.mkdir(parents=True, exist_ok=True)
                _atomic_write(full, data, mode)
                report.written.append(path)
            stat = full.stat()
            new_files[path] = {"sha256": digest, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        for path in sorted(set(self.files) | set(self.pending)):
            if path in paths:
                continue
            full = self.root / path
            if not full.is_file():
                continue
            if path in self.pending or self._disk_hash(path) == self.files[path]["sha256"]:
                # In ``pending``: written by a run that stopped before it could note the hash.
                full.unlink()
                report.removed.append(path)
                self._prune(full.parent)
            else:
                report.kept.append(path)
        self.files, self.pending = new_files, {}
        self._save(new_files, pending={})
        return report

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty by removed files, up to (not including) the root."""
        while folder != self.root and folder.is_relative_to(self.root):
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def _save(self, files: dict[str, dict], *, pending: dict[str, str]) -> None:
        data = {"version": MANIFEST_VERSION, "lab": self.lab, "files": files}
        if pending:
            data["pending"] = pending
        text = json.dumps(data, indent=0, sort_keys=True)
        try:
            if self.manifest_path.read_text(encoding="utf-8") == text:
                return  # nothing changed: the manifest keeps its modification time too
        except OSError:
            pass
        _atomic_write(self.manifest_path, text.encode(), 0o666 & ~_umask())


def _atomic_write(full: Path, data: bytes, mode: int) -> None:
    """``data`` into ``full`` through a temporary file beside it and a rename."""
    descriptor, temporary = tempfile.mkstemp(dir=full.parent, prefix=".export-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, full)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _read(source: Source) -> bytes:
    return source() if callable(source) else source
