"""Read a local CSV table safely: the one reader for every table adaptlab takes from a file.

``pandas.read_csv`` also fetches URLs (``http://``, ``s3://``, ...) and reads
file-like objects. :func:`read_table` takes only the name of a local, regular
UTF-8 text file of at most :data:`MAX_BYTES`, opens it itself and hands pandas
the open file, never the name. It then checks the table as a learner typed or
exported it, and every error is a ``ValueError`` that names the argument, the
file and, where it can, the row, column and value at fault.
"""
from __future__ import annotations

import os
import re
import stat
from contextlib import contextmanager

import numpy as np
import pandas as pd

__all__ = ["MAX_BYTES", "read_table", "about_file"]

MAX_BYTES = 50 * 2**20
"""Largest file :func:`read_table` reads, 50 MiB: far above any table of models
or prices (10,000 models take about 0.5 MiB), so a larger file is a wrong one."""

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_OTHER_DELIMITERS = {";": "';'", "\t": "tabs"}


def _shown(path):
    """The path as the caller wrote it, for messages."""
    return os.fsdecode(path)


def _local_file(path, name):
    """The file name behind ``path``, after checking it names a local regular file."""
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(
            f"{name} must be the name of a local CSV file (str or path-like), "
            f"got {type(path).__name__}; save the table to a file first."
        )
    shown = _shown(path)
    if _URL.match(shown):
        raise ValueError(
            f"{name} must be a local file, got a URL {shown!r}; download it and pass the file."
        )
    file = os.path.expanduser(shown)
    try:
        status = os.stat(file)
    except FileNotFoundError:
        raise ValueError(f"{name}: no such file {shown!r}.") from None
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the name
        raise ValueError(f"{name} {shown!r} cannot be read ({_one_line(error)}).") from None
    if stat.S_ISDIR(status.st_mode):
        raise ValueError(f"{name} {shown!r} is a directory; give the CSV file inside it.")
    if not stat.S_ISREG(status.st_mode):
        raise ValueError(f"{name} {shown!r} is not a regular file; give a CSV file.")
    if status.st_size > MAX_BYTES:
        raise ValueError(
            f"{name} {shown!r} holds {status.st_size / 2**20:.0f} MiB, more than the "
            f"{MAX_BYTES // 2**20} MiB a table may have; is it the right file?"
        )
    return file


def _one_line(error):
    """An exception's message on one line."""
    return " ".join(str(error).split())


def _delimiter_hint(header):
    """A sentence on the delimiter when the header line uses ';' or tabs, not commas."""
    for delimiter, label in _OTHER_DELIMITERS.items():
        if header.count(delimiter) > header.count(","):
            return f" The file seems to use {label} as the delimiter; use commas."
    return ""


def _parse(file, where, columns):
    """The file's first non-blank line, and the table with its names and cells stripped."""
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
            while header and not header.strip():
                header = handle.readline()
            if "\x00" in header:
                raise ValueError(f"{where} is not a text file; give a CSV file.")
            handle.seek(0)
            cells = pd.read_csv(
                handle, header=None, dtype=str, na_filter=False, skipinitialspace=True
            )
    except UnicodeDecodeError as error:
        raise ValueError(
            f"{where} is not UTF-8 text (byte {error.start} cannot be decoded); "
            "give a CSV file saved as UTF-8."
        ) from None
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"{where} is empty; write a header line {','.join(columns)} and one row per entry."
        ) from None
    except pd.errors.ParserError as error:
        raise ValueError(
            f"{where} is not a well-formed CSV ({_one_line(error)}).{_delimiter_hint(header)}"
        ) from None
    except OSError as error:
        raise ValueError(f"{where} cannot be read ({_one_line(error)}).") from None
    cells = cells.apply(lambda column: column.str.strip())
    table = cells.iloc[1:].reset_index(drop=True)
    table.columns = cells.iloc[0].tolist()
    return header, table


def _check_header(table, header, where, columns):
    """Each column named once, and the required ones there (with a hint on the delimiter)."""
    found = list(table.columns)
    repeated = sorted({column for column in found if found.count(column) > 1})
    if repeated:
        raise ValueError(f"{where} has the column(s) {repeated} more than once; keep one of each.")
    missing = [column for column in columns if column not in found]
    if missing:
        raise ValueError(
            f"{where} lacks column(s) {missing}: its header has {found} and needs "
            f"{list(columns)}.{_delimiter_hint(header)}"
        )


def read_table(path, *, columns, numeric=(), key=None, name="path"):
    """Read a local CSV file into a DataFrame, after checking its header and cells.

    Whitespace around header names and cells is dropped, so ``name, cost``
    reads as ``name,cost``; a UTF-8 byte-order mark (as Excel writes) is too.
    Rows are counted from 1 below the header in messages: row 3 is the
    third row of data.

    Parameters
    ----------
    path : str or path-like
        Name of a local, regular UTF-8 text file of at most :data:`MAX_BYTES`.
        URLs and file-like objects are refused.
    columns : sequence of str
        Columns the header must have, each cell of them filled in. Other
        columns are kept, as text, and may have blank cells.
    numeric : sequence of str, default=()
        Those of ``columns`` that hold numbers: each cell a finite number.
    key : str, optional
        The one of ``columns`` whose cells name the rows, e.g. ``"name"``:
        each value must appear once, and messages name rows by it.
    name : str, default="path"
        The argument's name, for the messages.

    Returns
    -------
    pandas.DataFrame
        One row per row of the file, in its order; ``numeric`` columns as
        float, all others as str.

    Raises
    ------
    ValueError
        When ``path`` is not a local file (a URL, a directory, missing, too
        large, not UTF-8 text); when the file is empty, malformed or has a
        header only; when a column of ``columns`` is missing (the message lists
        the columns found, and says when the file uses ``;`` or tabs as its
        delimiter); when a cell of ``columns`` is blank, a cell of ``numeric``
        is not a finite number or a ``key`` appears twice.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "models.csv"
    >>> _ = file.write_text("name, cost, accuracy\\nsmall, 1.5, 0.7\\n")
    >>> read_table(file, columns=("name", "cost"), numeric=("cost",), key="name")
        name  cost accuracy
    0  small   1.5      0.7
    >>> _ = file.write_text("name,cost,accuracy\\nsmall,,0.7\\n")
    >>> read_table(file, columns=("name", "cost"), numeric=("cost",), key="name")
    Traceback (most recent call last):
    ...
    ValueError: path '...models.csv': 'small' (row 1) has no cost; fill it in or drop the row.
    """
    file = _local_file(path, name)
    where = f"{name} {_shown(path)!r}"
    header, table = _parse(file, where, columns)
    _check_header(table, header, where, columns)
    if table.empty:
        raise ValueError(f"{where} has a header but no rows; add one row per entry.")

    def row(index):
        label = table[key].iloc[index] if key is not None else ""
        return f"{label!r} (row {index + 1})" if label else f"row {index + 1}"

    for column in columns:
        blank = np.flatnonzero(table[column].to_numpy() == "")
        if blank.size:
            raise ValueError(
                f"{where}: {row(blank[0])} has no {column}; fill it in or drop the row."
            )
    for column in numeric:
        values = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise ValueError(
                f"{where}: column {column!r} must hold numbers, but {row(bad[0])} has "
                f"{table[column].iloc[bad[0]]!r}."
            )
        table[column] = values
    if key is not None:
        repeated = np.flatnonzero(table[key].duplicated(keep=False).to_numpy())
        if repeated.size:
            value = table[key].iloc[repeated[0]]
            rows = (np.flatnonzero(table[key].to_numpy() == value) + 1).tolist()
            raise ValueError(
                f"{where}: {key} {value!r} is on rows {rows}; give each {key} one row."
            )
    return table


@contextmanager
def about_file(path, *, name="path"):
    """Prefix the ``ValueError`` raised inside with the argument and the file it concerns.

    For the checks a caller runs on a table after :func:`read_table`, e.g.
    the state space it builds from it.

    Examples
    --------
    >>> with about_file("models.csv"):
    ...     raise ValueError("accuracies must be fractions in [0, 1], got 62.")
    Traceback (most recent call last):
    ...
    ValueError: path 'models.csv': accuracies must be fractions in [0, 1], got 62.
    """
    try:
        yield
    except ValueError as error:
        raise ValueError(f"{name} {_shown(path)!r}: {error}") from None
