"""Serving the web UI with gunicorn: several worker processes, each with a few threads.

One Python process runs one search at a time (the GIL), so a 2-core machine needs two
processes to use both cores. Each worker builds its own app and opens its own index
searchers; writes to the index still go through the repository's single write lock.
"""
import os
import resource
import signal

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
        # Called in each worker process, after the fork.
        app = self.factory()
        limit_memory(app.config.get("MINAMATA_PROCESS_MEMORY_MB", 0))
        # A request that reached the cap: this worker finishes its other requests and
        # exits (SIGTERM is gunicorn's graceful stop), and the arbiter starts a fresh one.
        app.extensions["minamata_replace_process"] = \
            lambda: os.kill(os.getpid(), signal.SIGTERM)
        return app


def limit_memory(megabytes):
    """Cap this process's heap (RLIMIT_DATA: brk and private anonymous mappings, not the
    index files it maps) at `megabytes` MiB; past it, allocations raise MemoryError
    instead of the machine swapping or the kernel killing a process. 0: no cap."""
    if megabytes:
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        cap = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA,
                           (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def serve(app_factory, host, port, workers, threads):
    """Run the app built by `app_factory` (called in each worker) until interrupted."""
    options = {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
               "worker_class": "gthread", "timeout": 60, "graceful_timeout": 10,
               "accesslog": None, "errorlog": "-", "loglevel": "warning",
               # Uploads (later) are limited by the app; keep request lines sane here.
               "limit_request_line": 8190}
    _Gunicorn(app_factory, options).run()
