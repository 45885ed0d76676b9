"""The one CSV reader: local files only, and named errors for the usual mistakes."""
import io
import os
import re

import numpy as np
import pytest

from adaptlab import _csvfile
from adaptlab._csvfile import read_table
from adaptlab.costs import load_api_prices
from adaptlab.statespace import read_csv

MODELS = {"columns": ("name", "cost", "accuracy"), "numeric": ("cost", "accuracy"), "key": "name"}


def write(tmp_path, content):
    path = tmp_path / "models.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_spaces_after_commas_and_a_byte_order_mark_are_read(tmp_path):
    path = write(
        tmp_path, "\ufeffname , cost, accuracy, note\n small , 1.5 ,0.7,\nlarge,10,0.9,big\n"
    )
    table = read_table(path, **MODELS)
    assert list(table.columns) == ["name", "cost", "accuracy", "note"]
    assert table["name"].tolist() == ["small", "large"]
    np.testing.assert_array_equal(table["cost"], [1.5, 10.0])
    assert table["cost"].dtype == float and table["note"].tolist() == ["", "big"]


@pytest.mark.parametrize("content, message", [
    ("", "is empty; write a header line name,cost,accuracy and one row per entry."),
    ("\n\n", "is empty"),
    ("name,cost,accuracy\n", "has a header but no rows; add one row per entry."),
    ("name;cost;accuracy\na;1;0.5\n",
     "lacks column(s) ['name', 'cost', 'accuracy']: its header has ['name;cost;accuracy'] and "
     "needs ['name', 'cost', 'accuracy']. The file seems to use ';' as the delimiter; use commas."),
    ("name;cost;accuracy\na;1,5;0,5\n", "The file seems to use ';' as the delimiter; use commas."),
    ("name\tcost\taccuracy\na\t1\t0.5\n", "The file seems to use tabs as the delimiter"),
    ("name,price\na,1\n",
     "lacks column(s) ['cost', 'accuracy']: its header has ['name', 'price'] and needs "
     "['name', 'cost', 'accuracy']."),
    ("name,cost, cost,accuracy\na,1,2,0.5\n", "has the column(s) ['cost'] more than once"),
    ("name,cost,accuracy\na,1,0.5\nb,2,0.6\nvit_b_16,3,\n",
     "'vit_b_16' (row 3) has no accuracy; fill it in or drop the row."),
    ("name,cost,accuracy\na,1,0.5\n,2,0.6\n", "row 2 has no name"),
    ("name,cost,accuracy\na,1\n", "'a' (row 1) has no accuracy"),
    ("name,cost,accuracy\na,1,0.5\nb,12 GFLOPs,0.6\n",
     "column 'cost' must hold numbers, but 'b' (row 2) has '12 GFLOPs'."),
    ("name,cost,accuracy\na,inf,0.5\n",
     "column 'cost' must hold numbers, but 'a' (row 1) has 'inf'."),
    ("name,cost,accuracy\na,1,0.5\nb,2,0.6\na,3,0.7\n",
     "name 'a' is on rows [1, 3]; give each name one row."),
    ("name,cost,accuracy\na,1,0.5\nb,2,0.6,extra\n",
     "is not a well-formed CSV (Error tokenizing data. "
     "C error: Expected 3 fields in line 3, saw 4)."),
    (b"name,cost,accuracy\n\xff\xfe,1,0.5\n",
     "is not UTF-8 text (byte 19 cannot be decoded); give a CSV file saved as UTF-8."),
    (b"name,cost\x00,accuracy\na,1,0.5\n", "is not a text file; give a CSV file."),
])
def test_bad_tables_are_named(tmp_path, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match=re.escape(f"path '{path}'") + ".*" + re.escape(message)):
        read_table(path, **MODELS)


@pytest.fixture
def fifo(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes here")
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("make_path, message", [
    (lambda tmp: "https://example.com/models.csv",
     "path must be a local file, got a URL 'https://example.com/models.csv'; download it"),
    (lambda tmp: "s3://bucket/models.csv", "path must be a local file, got a URL 's3://bucket"),
    (lambda tmp: "file:///etc/hosts", "path must be a local file, got a URL 'file:///etc/hosts'"),
    (lambda tmp: io.StringIO("name,cost,accuracy\n"),
     "path must be the name of a local CSV file (str or path-like), got StringIO"),
    (lambda tmp: tmp, "is a directory; give the CSV file inside it."),
    (lambda tmp: tmp / "nope.csv", "path: no such file"),
    (lambda tmp: str(tmp / "nul\x00.csv"), "cannot be read (embedded null byte)."),
])
def test_only_local_files_are_read(tmp_path, make_path, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_table(make_path(tmp_path), **MODELS)


def test_a_named_pipe_is_refused_without_blocking(fifo):
    with pytest.raises(ValueError, match=re.escape(f"path '{fifo}' is not a regular file")):
        read_table(fifo, **MODELS)


def test_a_file_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path, "name,cost,accuracy\n" + "a,1,0.5\n" * 400_000)  # 3.2 MB
    monkeypatch.setattr(_csvfile, "MAX_BYTES", 2**20)
    with pytest.raises(ValueError, match=r"holds 3 MiB, more than the 1 MiB a table may have"):
        read_table(path, **MODELS)


@pytest.mark.parametrize("load, content, message", [
    (read_csv, "name,cost,accuracy\na,1,62\n",
     "': accuracies must be fractions in [0, 1], got 62. It looks like a percentage"),
    (read_csv, "name,cost,accuracy\n", "has a header but no rows"),
    (load_api_prices, "model,input_usd_per_1m_tokens,output_usd_per_1m_tokens\ngpt,1,\n",
     "': 'gpt' (row 1) has no output_usd_per_1m_tokens"),
    (load_api_prices, "model,input_usd_per_1m_tokens,output_usd_per_1m_tokens\ngpt,-1,2\n",
     "': prices column input_usd_per_1m_tokens must be non-negative, got -1."),
])
def test_read_csv_and_load_api_prices_name_the_file(tmp_path, load, content, message):
    path = write(tmp_path, content)
    with pytest.raises(ValueError, match=re.escape(f"path '{path}") + ".*" + re.escape(message)):
        load(path)


@pytest.mark.parametrize("load", [read_csv, load_api_prices])
def test_read_csv_and_load_api_prices_refuse_urls(load):
    with pytest.raises(ValueError, match="path must be a local file, got a URL"):
        load("http://example.com/table.csv")


def test_the_argument_is_named_as_the_caller_says(tmp_path):
    with pytest.raises(ValueError, match=re.escape("prices: no such file")):
        read_table(tmp_path / "nope.csv", columns=("model",), name="prices")
