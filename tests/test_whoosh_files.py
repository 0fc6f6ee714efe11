"""Whoosh's segment files read in place from their memory map (indexer/engines/whoosh_files)."""
import pickle
import random
import struct
import tracemalloc

import pytest
from whoosh import fields, index as whoosh_index
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.qparser import QueryParser

from indexer.engines import whoosh_engine  # noqa: F401  (installs MappedFile)
from indexer.engines import whoosh_files
from indexer.engines.whoosh_files import MappedFile


def _sample_bytes(rng):
    """Bytes as Whoosh lays them out: ints, pickled tuples, lines and raw runs."""
    out = bytearray()
    for _ in range(200):
        kind = rng.randrange(4)
        if kind == 0:
            out += struct.pack(">i", rng.randint(-2**31, 2**31 - 1))
        elif kind == 1:
            out += pickle.dumps((rng.randrange(128), rng.random(), b"x" * rng.randrange(50)),
                                protocol=rng.choice([2, 4, 5]))
        elif kind == 2:
            out += b"line %d\n" % rng.randrange(10**6)
        else:
            out += bytes(rng.randrange(256) for _ in range(rng.randrange(40)))
    return bytes(out)


def _outcome(fn, loose):
    try:
        return ("ok", fn())
    except Exception as e:
        # Garbage read as a pickle, or an int past the end, fails on both, but not
        # alike (the unpickler peeks at a mapped file; its read_int checks the length
        # first): `loose`. Every other failure is the same.
        return ("error",) if loose else ("error", type(e).__name__)


@pytest.mark.parametrize("seed", range(20))
def test_a_mapped_file_reads_what_whooshs_buffer_file_reads(seed):
    rng = random.Random(seed)
    data = _sample_bytes(rng)
    mine, whooshs = MappedFile(memoryview(data)), BufferFile(memoryview(data))
    for _ in range(400):
        op = rng.randrange(9)
        pos, n = rng.randrange(len(data) + 10), rng.randrange(-1, 70)
        calls = {
            0: lambda f: f.seek(pos),
            1: lambda f: f.seek(rng_state[0], 1),
            2: lambda f: f.seek(-rng_state[1], 2),
            3: lambda f: f.read(n),
            4: lambda f: f.readline(),
            5: lambda f: (f.read_int(), f.tell()),
            6: lambda f: (f.read_pickle(), f.tell()),
            7: lambda f: f.get(pos, n if n >= 0 else 3),
            8: lambda f: (f.read_varint(), f.read_byte(), f.tell()),
        }[op]
        rng_state = (rng.randrange(-20, 20), rng.randrange(0, 30))
        loose = op in (5, 6)
        outcome = _outcome(lambda: calls(mine), loose)
        assert outcome == _outcome(lambda: calls(whooshs), loose), (op, pos, n)
        if outcome == ("error",):
            mine.seek(whooshs.tell())    # after a failure Whoosh reads no further
        assert mine.tell() == whooshs.tell()
    assert mine.read() == whooshs.read()


def test_a_mapped_file_is_read_only_and_closes_once():
    closed = []
    f = MappedFile(memoryview(b"abc"), name="x", onclose=closed.append)
    with pytest.raises(OSError):
        f.write(b"d")
    with pytest.raises(OSError):
        f.truncate(1)
    f.flush()
    with pytest.raises(ValueError):
        f.seek(0, 3)
    assert f.read() == b"abc"
    f.close()
    assert closed == [f] and f.is_closed
    with pytest.raises(Exception):
        f.close()


@pytest.fixture
def big_index(tmp_path):
    """A one-segment Whoosh index of 3,000 documents of 60 words each."""
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(3000)]
    ix = whoosh_index.create_in(str(tmp_path), fields.Schema(
        body=fields.TEXT(stored=True), n=fields.ID(stored=True)))
    with ix.writer() as w:
        for i in range(3000):
            w.add_document(n=str(i), body=" ".join(rng.choices(vocabulary[:400] if i % 2
                                                               else vocabulary, k=60)))
    return ix, tmp_path


def _segment_bytes(path):
    return sum(p.stat().st_size for p in path.glob("*.seg"))


def _search_traced(ix):
    tracemalloc.start()
    try:
        with ix.searcher() as s:
            q = QueryParser("body", ix.schema).parse("w1 OR w7 OR w250")
            hits = [(h["n"], round(h.score, 6)) for h in s.search(q, limit=20)]
        return hits, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_search_does_not_copy_the_segment_into_memory(big_index):
    ix, path = big_index
    size = _segment_bytes(path)
    assert size > 1_000_000
    hits, peak = _search_traced(ix)
    assert hits
    # Whoosh's BufferFile copied every file it opened: the posting lists alone are
    # most of the segment.
    assert peak < size / 4, (peak, size)


def test_searches_find_the_same_through_whooshs_own_files(big_index, monkeypatch):
    ix, _ = big_index
    mapped, _ = _search_traced(ix)
    monkeypatch.setattr(compound, "BufferFile", BufferFile)
    copied, peak_copied = _search_traced(ix)
    assert mapped == copied
    whoosh_files.install()
    assert compound.BufferFile is MappedFile
