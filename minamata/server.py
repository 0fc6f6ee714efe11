"""Serving the web UI with gunicorn: several worker processes, each with a few threads.

One Python process runs one search at a time (the GIL), so a 2-core machine needs two
processes to use both cores. Each worker builds its own app and opens its own index
searchers; writes to the index still go through the repository's single write lock.
"""
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, factory, options):
        self.factory = factory
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.factory()


def serve(app_factory, host, port, workers, threads):
    """Run the app built by `app_factory` (called in each worker) until interrupted."""
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
               "worker_class": "gthread", "timeout": 60, "graceful_timeout": 10,
               "accesslog": None, "errorlog": "-", "loglevel": "warning",
               # Uploads (later) are limited by the app; keep request lines sane here.
               "limit_request_line": 8190}
    _Gunicorn(app_factory, options).run()
