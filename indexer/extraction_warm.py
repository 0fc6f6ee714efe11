"""What every extraction worker needs, loaded once by the workers' fork server.

indexer.pool starts its workers from a fork server that imported this module: each
worker begins with pypdf, langdetect and its language profiles already loaded (0.7 s
of CPU per worker otherwise); the caller's main module is loaded by neither (see
indexer.pool). Not imported by the caller itself: it would load the profiles.
"""
import os

from indexer import pool  # noqa: F401  (pypdf, langdetect, our analyzers)
from indexer.language import _factory
from repo.lifetime import die_with_parent

# The fork server's parent is the caller: the kernel kills it when the caller dies, and
# each worker when the fork server dies (indexer.pool._serve), whatever they are doing.
die_with_parent(os.getppid())
_factory()
