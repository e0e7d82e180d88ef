"""KVCache stores keys and values in growing lists and never checks capacity, so appending past
it silently succeeds instead of raising ValueError.

Basis: list-based caches (HF's DynamicCache) have no capacity; the lesson's cache does.
"""

EXPECT = ["capacity"]


class KVCache:
    def __init__(self, n_layers, capacity, d_model):
        if n_layers < 1 or capacity < 1 or d_model < 1:
            raise ValueError("n_layers, capacity and d_model must be at least 1")
        self.capacity = capacity
        self._d = d_model
        self._k = [np.zeros((0, d_model)) for _ in range(n_layers)]
        self._v = [np.zeros((0, d_model)) for _ in range(n_layers)]

    def append(self, layer, k, v):
        k, v = np.atleast_2d(k), np.atleast_2d(v)
        if k.shape != v.shape or k.shape[1] != self._d:
            raise ValueError("k and v must both be (t, d)")
        self._k[layer] = np.concatenate([self._k[layer], k])
        self._v[layer] = np.concatenate([self._v[layer], v])

    def keys(self, layer):
        return self._k[layer]

    def values(self, layer):
        return self._v[layer]

    def __len__(self):
        return len(self._k[0])
