"""Named crash points, so tests can kill a writer at each step of a write.

Set MINAMATA_CRASH_AT=<name> and the process exits abruptly (no clean-up, as a power cut
or `kill -9` would) when it reaches that point. Unset, this costs one dict lookup.
"""
import os


def crash_point(name):
    """Exit at once, without clean-up, if MINAMATA_CRASH_AT names this point."""
    if os.environ.get("MINAMATA_CRASH_AT") == name:
        os._exit(86)
