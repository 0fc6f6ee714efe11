"""The Flask web UI: delegates search and browse; (later) staff upload and curate.

Calls repo/ and indexer/ through their facades; never imports whoosh or pypdf.
"""
from webui.app import create_app  # noqa: F401
