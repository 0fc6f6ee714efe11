"""Shared fixtures: settings on tmp_path, sample PDFs made on the fly, the indexed corpus."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fpdf import FPDF

from indexer.ingest import Indexer
from indexer.search import SearchService
from repo.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "documents" / "manifest.json"


def make_pdf(path, pages, title=None):
    """A real text PDF (core font, Latin-1) with one string per page."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=12)
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return Path(path)


def encrypt_pdf(src, dst, password="secret"):
    """A copy of a PDF locked with a user password."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(str(src)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    with open(dst, "wb") as f:
        writer.write(f)
    return Path(dst)


@pytest.fixture
def settings(tmp_path):
    """Settings with a fresh data directory and one extraction worker."""
    return Settings.from_env(environ={}, data_dir=tmp_path / "data", workers=1,
                             manifest=MANIFEST)


@pytest.fixture
def samples(tmp_path):
    """Good and bad sample files, by name."""
    d = tmp_path / "samples"
    d.mkdir()
    good = make_pdf(d / "good.pdf", [
        "Mercury emissions from coal-fired power plants were discussed by the experts.",
        "The participants agreed on a national inventory of mercury releases.",
    ], title="A good sample report")
    data = good.read_bytes()
    (d / "truncated.pdf").write_bytes(data[: len(data) // 3])
    (d / "corrupt.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    (d / "empty.pdf").write_bytes(b"")
    (d / "not-a-pdf.pdf").write_bytes(b"PK\x03\x04 this is a zip file, not a PDF" * 10)
    encrypt_pdf(good, d / "encrypted.pdf")
    image_only = FPDF()
    image_only.add_page()
    image_only.rect(20, 20, 100, 60, style="F")
    image_only.output(str(d / "image-only.pdf"))
    make_pdf(d / "script.pdf", ["Hostile <script>alert('x')</script> mercury text here."],
             title="<script>alert(1)</script> Mercury")
    return d


@pytest.fixture
def indexer_with_event(settings):
    """An Indexer whose catalog holds the shipped events (documents not loaded)."""
    from repo.manifest import load_manifest
    ix = Indexer(settings)
    with ix.repo.writing():
        for event in load_manifest(MANIFEST).events:
            ix.repo.put_event(event)
    yield ix
    ix.close()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    """A data directory with the shipped documents/ catalogued and indexed (once)."""
    data = tmp_path_factory.mktemp("corpus") / "data"
    run_cli("--data", str(data), "index", "--manifest", str(MANIFEST))
    return data


@pytest.fixture(scope="session")
def corpus(corpus_dir):
    """A SearchService over the indexed shipped corpus."""
    settings = Settings.from_env(environ={}, data_dir=corpus_dir)
    service = SearchService(Indexer(settings).index, settings.search_time_limit)
    yield service
    service.close()


STAFF_PASSWORD = "a long enough password"


@pytest.fixture
def staff_site(corpus_dir, tmp_path):
    """(app, Indexer) over a copy of the indexed corpus, with an editor `amina` whose
    password is STAFF_PASSWORD (see `signed_in`)."""
    from webui import create_app
    from webui.settings import WebSettings
    data = tmp_path / "data"
    shutil.copytree(corpus_dir, data)
    settings = Settings.from_env(environ={}, data_dir=data, workers=1)
    ix = Indexer(settings)
    ix.repo.accounts.add("amina", STAFF_PASSWORD, "editor")
    yield create_app(WebSettings(store=settings, testing=True)), ix
    ix.close()


def signed_in(app, name="amina", password=STAFF_PASSWORD):
    """A test client of `app` signed in as a member of staff."""
    import re
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/staff/sign-in").get_data(as_text=True)).group(1)
    client.post("/staff/sign-in", data={"name": name, "password": password,
                                        "csrf_token": token})
    return client


def run_cli(*args, env=None, check=True, input_text=None):
    """Run the `minamata` command in a subprocess; returns the CompletedProcess."""
    result = subprocess.run([sys.executable, "-m", "minamata.cli", *args], cwd=ROOT,
                            capture_output=True, text=True, env=env, timeout=300,
                            input=input_text if input_text is not None else "")
    if check and result.returncode != 0:
        raise AssertionError(f"minamata {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def copy_corpus(dst):
    """A copy of documents/ that a test may edit."""
    shutil.copytree(ROOT / "documents", dst)
    return Path(dst) / "manifest.json"


def processes_with(marker):
    """Pids of the processes whose command line holds `marker` (bytes)."""
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if marker in f.read():
                        found.add(int(pid))
            except OSError:
                pass
    return found


def parent_of(pid):
    """The parent pid of a process, or None if it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
