"""KVCache.keys and values return the whole preallocated buffer (capacity rows, zeros after the
stored ones) instead of only the T_so_far positions stored."""

EXPECT = "followed by"

import numpy as np


class KVCache(KVCache):
    def keys(self, layer):
        return self._k[layer]

    def values(self, layer):
        return self._v[layer]
