"""Facet values of every `doc` entry of one open index, read once, for fast counting.

Engine-neutral: an engine hands over two readers, one giving a facet's values per
docnum, one giving the work of each entry whose work has several versions. Counting,
grouping by work and the filters' postings are then the same code for every engine.
"""
from collections import Counter
from itertools import chain


class FacetValues:
    """The facet values of every document of one searcher, read once, for fast counting.

    Whoosh's grouping calls back into Python for every matching document and facet; with
    the values at hand as lists, counting the matches is one tight loop per facet.

    Counts are of works: the matching versions of one work count once per value. Most
    documents stand alone, so only those in a work of several versions take the slower,
    de-duplicating path."""

    def __init__(self, read_values, read_shared):
        """`read_values(name)`: [tuple of values] by docnum; `read_shared()`: {docnum:
        work key} of the entries whose work has several versions."""
        self._read_values = read_values
        self._read_shared = read_shared
        self.by_facet = {}
        self._shared = None

    def values(self, name):
        """[tuple of values] of one field, indexed by docnum."""
        return self._values(name)

    def having(self, name, wanted):
        """The docnums having any of the `wanted` values of a facet."""
        by_value = self._postings_cache(name)
        return {docnum for value in wanted for docnum in by_value.get(value, ())}

    def _postings_cache(self, name):
        key = ("by_value", name)
        if key not in self.by_facet:
            by_value = {}
            for docnum, values in enumerate(self._values(name)):
                for value in values:
                    by_value.setdefault(value, []).append(docnum)
            self.by_facet[key] = by_value
        return self.by_facet[key]

    def shared(self):
        """{docnum: work key} of the entries whose work has several versions."""
        if self._shared is None:
            self._shared = self._read_shared()
        return self._shared

    def works(self, docnums):
        """Ordered matches grouped by work: [[docnum, ...], ...] in the order of each
        work's first match."""
        shared = self.shared()
        if not shared:
            return [[d] for d in docnums]
        groups, by_work = [], {}
        for docnum in docnums:
            key = shared.get(docnum)
            if key is None:
                groups.append([docnum])
            elif key in by_work:
                by_work[key].append(docnum)
            else:
                by_work[key] = [docnum]
                groups.append(by_work[key])
        return groups

    def _values(self, name):
        if name not in self.by_facet:
            self.by_facet[name] = self._read_values(name)
        return self.by_facet[name]

    def repeats(self, name, docnums):
        """{value: how many of `docnums` have it beyond one per work}: what counting
        them as works (`count`) leaves out of counting them one by one."""
        per_doc = self._values(name)
        each = Counter(chain.from_iterable([per_doc[d] for d in docnums]))
        works = self.count([name], docnums)[name]
        return {v: n - works[v] for v, n in each.items() if n > works[v]}

    def count(self, names, docnums):
        """{facet: {value: number of `docnums` having it}} for each named facet."""
        shared = self.shared()
        alone = [d for d in docnums if d not in shared] if shared else docnums
        versions = [d for d in docnums if d in shared] if shared else ()
        out = {}
        for name in names:
            per_doc = self._values(name)
            # One C-level pass over all the values (Counter.update per document called
            # back into Python for each and cost a few ms per facet).
            counts = Counter(chain.from_iterable([per_doc[d] for d in alone]))
            seen = set()
            for docnum in versions:
                for value in per_doc[docnum]:
                    if (shared[docnum], value) not in seen:
                        seen.add((shared[docnum], value))
                        counts[value] += 1
            out[name] = dict(counts)
        return out
