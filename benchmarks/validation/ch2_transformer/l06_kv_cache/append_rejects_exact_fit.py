"""KVCache.append raises when the new positions would exactly fill the cache (n + t >= capacity),
so a cache can never hold `capacity` positions, only capacity - 1.

Basis: the off-by-one of a bounds check (>= where > is meant); "the last slot" is the boundary
every buffer implementation gets wrong once.
"""

EXPECT = ["off-by-one", "exactly", "full capacity", "n + t > capacity"]


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
        if n + t >= self.capacity:
            raise ValueError(f"the cache holds {self.capacity} positions; {n} + {t} do not fit")
        self._k[layer, n : n + t] = k
        self._v[layer, n : n + t] = v
        self._len[layer] = n + t

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
