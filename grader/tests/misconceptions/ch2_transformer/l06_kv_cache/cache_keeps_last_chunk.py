"""The cache overwrites instead of appending: it keeps only the last chunk of keys and values, so
a new token forgets the prompt."""


class KVCache:
    def __init__(self, n_layers, capacity, d_model):
        self.capacity = capacity
        self._k = [np.zeros((0, d_model)) for _ in range(n_layers)]
        self._v = [np.zeros((0, d_model)) for _ in range(n_layers)]
        self._seen = [0] * n_layers

    def append(self, layer, k, v):
        if self._seen[layer] + len(k) > self.capacity:
            raise ValueError("full")
        self._k[layer], self._v[layer] = np.array(k), np.array(v)
        self._seen[layer] += len(k)

    def keys(self, layer):
        return self._k[layer]

    def values(self, layer):
        return self._v[layer]

    def __len__(self):
        return self._seen[0]
