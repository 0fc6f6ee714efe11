"""Extraction (pypdf), language detection (langdetect), the Whoosh index and the one
search facade. Imports repo/, never webui/; every `import whoosh` stays in this package."""
