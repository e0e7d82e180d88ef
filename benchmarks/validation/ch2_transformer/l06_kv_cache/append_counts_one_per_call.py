"""KVCache.append writes the t new rows but adds 1 to the layer's length (self._len[layer] += 1)
instead of t, so after a prompt of several positions the cache reports one position, hides the
rest from keys/values, and the next append overwrites them.

Basis: the decode loop appends one token per call, so "one more position per append" feels
right; the prefill, which appends the whole prompt in one call, is the case it breaks (the
"seen_tokens += 1" style counters of hand-written caches).
"""

EXPECT = ["+= 1", "by t", "t positions", "one per call"]


class KVCache:
    def __init__(self, n_layers, capacity, d_model):
        if n_layers < 1 or capacity < 1 or d_model < 1:
            raise ValueError("n_layers, capacity and d_model must be at least 1")
        self.capacity = capacity
        self._k = np.zeros((n_layers, capacity, d_model))
        self._v = np.zeros((n_layers, capacity, d_model))
        self._len = [0] * n_layers

    def append(self, layer, k, v):
        k, v = np.atleast_2d(k), np.atleast_2d(v)
        if k.shape != v.shape or k.shape[1] != self._k.shape[2]:
            raise ValueError(
                f"k and v must both be (t, {self._k.shape[2]}), got {k.shape}, {v.shape}"
            )
        n, t = self._len[layer], k.shape[0]
        if n + t > self.capacity:
            raise ValueError(f"the cache holds {self.capacity} positions; {n} + {t} do not fit")
        self._k[layer, n : n + t] = k
        self._v[layer, n : n + t] = v
        self._len[layer] += 1

    def keys(self, layer):
        return self._view(self._k[layer, : self._len[layer]])

    def values(self, layer):
        return self._view(self._v[layer, : self._len[layer]])

    @staticmethod
    def _view(rows):
        view = rows.view()
        view.flags.writeable = False
        return view

    def __len__(self):
        return self._len[0]
