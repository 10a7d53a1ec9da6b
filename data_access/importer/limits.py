"""What one import may read, so that no input can take the server's memory: bytes, cells and
columns counted as they are read, and streams opened afresh for each pass."""

import io
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from data_access.importer.model import ImportSourceError

#: One import reads at most this much file content (CSV text and workbooks, as unpacked), counted
#: as it is read: an archive's own record of its sizes is not trusted.
MAX_IMPORT_BYTES = 160_000_000
#: … and keeps at most this many cells (up to the last non-blank cell of each non-blank row): each
#: costs memory until the import is written. The `enterprise` sample program holds 8.6 million.
MAX_IMPORT_CELLS = 10_000_000
#: A row may reach this many columns (the import files have at most 15): a CSV row beyond it is
#: refused; in a workbook, cells right of the header's last column (and one more) are not read.
MAX_COLUMNS = 1_000
#: A workbook's table of shared texts is read whole by openpyxl: at most this much of it.
MAX_SHARED_STRINGS_BYTES = 64_000_000
_READ_CHUNK = 1 << 20

#: Opens one file of an import afresh, as a binary stream whose reading counts towards the limits.
Opener = Callable[[], BinaryIO]


class _Limits:
    """What an import has read so far; refuses, in one sentence, what goes beyond the limits."""

    def __init__(self) -> None:
        self.bytes = 0
        self.cells = 0

    def add_bytes(self, count: int, label: str) -> None:
        self.bytes += count
        if self.bytes > MAX_IMPORT_BYTES:
            raise ImportSourceError(
                f"{label} makes the import larger than the {MAX_IMPORT_BYTES / 1e6:,.0f} MB one "
                "import may hold (counted as unpacked), so nothing was imported. Split it into "
                "several imports (for example meetings.csv by year)."
            )

    def add_cells(self, count: int, label: str) -> None:
        self.cells += count
        if self.cells > MAX_IMPORT_CELLS:
            raise ImportSourceError(
                f"{label} makes the import hold more than {MAX_IMPORT_CELLS:,} cells, more than "
                "one import may check at once, so nothing was imported. Split it into several "
                "imports (for example meetings.csv by year)."
            )

    def mark(self) -> tuple[int, int]:
        return self.bytes, self.cells

    def back_to(self, mark: tuple[int, int]) -> None:
        """Forget what was counted since `mark` (a file read again from its start)."""
        self.bytes, self.cells = mark


class _CountedStream(io.RawIOBase):
    """A binary stream that counts what is read from it against the import's limits and turns a
    damaged archive member into one sentence."""

    def __init__(self, inner: BinaryIO, label: str, limits: _Limits, member_of: str = "") -> None:
        self._inner, self._label, self._limits, self._member_of = inner, label, limits, member_of

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            count = self._inner.readinto(buffer)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            what = "CRC check failed" if "CRC" in str(error) else "it cannot be unpacked"
            raise ImportSourceError(
                f"{self._member_of}: member {self._label} is damaged ({what}), so nothing was "
                "imported."
            ) from error
        except OSError as error:
            raise ImportSourceError(f"{self._label} cannot be read: {error}.") from error
        self._limits.add_bytes(count or 0, self._label)
        return count or 0

    def close(self) -> None:
        self._inner.close()
        super().close()


def _bytes_opener(label: str, content: bytes, limits: _Limits) -> Opener:
    def open_stream() -> BinaryIO:
        stream = _CountedStream(io.BytesIO(content), label, limits)
        return io.BufferedReader(stream, _READ_CHUNK)  # type: ignore[return-value]

    return open_stream


def _file_opener(path: Path, limits: _Limits) -> Opener:
    def open_stream() -> BinaryIO:
        try:
            handle = path.open("rb")
        except OSError as error:
            raise ImportSourceError(f"{path} cannot be read: {error.strerror}.") from error
        stream = _CountedStream(handle, path.name, limits)
        return io.BufferedReader(stream, _READ_CHUNK)  # type: ignore[return-value]

    return open_stream


def _read_all(label: str, open_stream: Opener) -> bytes:
    """The whole content of one file (a ZIP archive or a workbook needs it at hand), read in
    chunks that count towards the limits, so that reading stops at the limit."""
    chunks = []
    with open_stream() as stream:
        while chunk := stream.read(_READ_CHUNK):
            chunks.append(chunk)
    return b"".join(chunks)


def _zip_members(label: str, content: bytes, limits: _Limits) -> list[tuple[str, Opener]]:
    """The CSV and XLSX files inside a ZIP archive, each read (when its turn comes) as a counted
    stream: an archive that unpacks beyond the limits is stopped there, whatever it claims."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir()
            and PurePath(info.filename).suffix.lower() in (".csv", ".xlsx")
            and not PurePath(info.filename).name.startswith((".", "__MACOSX"))
        ]
    except zipfile.BadZipFile as error:
        raise ImportSourceError(f"{label} is not a readable ZIP archive.") from error
    unpacked = sum(info.file_size for info in members)
    if unpacked > MAX_IMPORT_BYTES:  # what it claims; what it holds is counted while read
        raise ImportSourceError(
            f"{label} unpacks to {unpacked / 1e6:,.0f} MB, more than the "
            f"{MAX_IMPORT_BYTES / 1e6:,.0f} MB one import may hold, so nothing was imported."
        )
    if not members:
        raise ImportSourceError(f"{label} holds no CSV or XLSX file.")

    def opener(info: zipfile.ZipInfo) -> Opener:
        def open_stream() -> BinaryIO:
            try:
                inner = archive.open(info)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as error:
                raise ImportSourceError(
                    f"{label}: member {info.filename} cannot be unpacked ({error}), so nothing "
                    "was imported."
                ) from error
            stream = _CountedStream(inner, info.filename, limits, member_of=label)  # type: ignore[arg-type]
            return io.BufferedReader(stream, _READ_CHUNK)  # type: ignore[return-value]

        return open_stream

    return [(PurePath(info.filename).name, opener(info)) for info in members]
