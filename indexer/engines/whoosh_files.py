"""Whoosh's segment files read in place from their memory map, not copied into memory.

whoosh-reloaded 2.7.5 (the version setup.cfg pins) maps a compound segment file and then
opens each file inside it as a `BufferFile`, whose `io.BytesIO(buf)` copies the mapped
bytes: the first search of a 100,000-page index copied every posting list, term index
and stored-field column it opened, 316 MB of the 742 MB one search process reached, on
top of the mapped pages the copy had read. `MappedFile` reads the same memoryview where
it lies: the operating system keeps only the pages a search touches, shared by every
server process and given back under memory pressure.

`install()` puts it in the place of `BufferFile` where compound storage opens its files
(the name `whoosh.filedb.compound.BufferFile`); nothing else of Whoosh changes.
"""
from struct import Struct

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

_INT = Struct(">i")        # Whoosh's read_int
PEEK_MAX = 512             # a posting block's pickled header is tens of bytes


class MappedFile(BufferFile):
    """Whoosh's BufferFile, reading its memoryview in place (see the module). It is its
    own file object (`self.file`): a posting block's header is read by seek, read_int,
    read_pickle and tell, and each was two Python calls through a wrapped file."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self._pos = 0
        self._len = len(buf)
        self.file = self

    def read(self, size=-1):
        """Up to `size` bytes from the position (all that is left if `size` < 0)."""
        pos = self._pos
        end = self._len if size is None or size < 0 else min(self._len, pos + size)
        if end <= pos:
            return b""
        self._pos = end
        return self._buf[pos:end].tobytes()

    def peek(self, size=1):
        """Bytes from the position, without moving it: the unpickler reads a block's
        header through one peek and one read, where it made a read per opcode."""
        pos = self._pos
        return self._buf[pos:min(self._len, pos + max(1, min(size, PEEK_MAX)))].tobytes()

    def readline(self, size=-1):
        """The bytes up to and including the next newline (or `size` bytes)."""
        pos = self._pos
        end = self._len if size is None or size < 0 else min(self._len, pos + size)
        chunk = self._buf[pos:end].tobytes()
        newline = chunk.find(b"\n")
        if newline >= 0:
            chunk = chunk[:newline + 1]
        self._pos = pos + len(chunk)
        return chunk

    def __iter__(self):
        while line := self.readline():
            yield line

    def seek(self, offset, whence=0):
        """Moves the position as io.BytesIO does (before the start: an error from the
        start, the start from elsewhere); returns it."""
        if whence not in (0, 1, 2):
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if whence == 0 and offset < 0:
            raise ValueError(f"negative seek position {offset}")
        self._pos = max(0, offset + (0, self._pos, self._len)[whence])
        return self._pos

    def tell(self):
        """The position."""
        return self._pos

    def read_int(self):
        """A big-endian 32-bit integer, as Whoosh's, unpacked where it lies."""
        pos = self._pos
        if pos + 4 > self._len:
            raise EOFError(f"no 4 bytes left at {pos} of {self._len} in {self._name}")
        self._pos = pos + 4
        return _INT.unpack_from(self._buf, pos)[0]

    def write(self, *args):
        raise OSError(f"{self._name} is read-only")

    def truncate(self, *args):
        raise OSError(f"{self._name} is read-only")

    def flush(self):
        """Nothing to flush (StructFile's would call itself: this is its own file)."""

    def close(self):
        """Closes it (the view belongs to the compound file's map: nothing to free)."""
        if self.is_closed:
            raise Exception("This file is already closed")
        if self.onclose:
            self.onclose(self)
        self.is_closed = True


def install():
    """Makes compound segment files open as MappedFile (idempotent)."""
    compound.BufferFile = MappedFile
