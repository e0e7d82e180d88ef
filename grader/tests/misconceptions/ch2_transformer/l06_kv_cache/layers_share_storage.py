"""KVCache builds its per-layer storage as [np.zeros((capacity, d))] * n_layers: one array
repeated, so every layer reads and writes the same keys and values."""

EXPECT = "share one array"

import numpy as np


class KVCache:
    def __init__(self, n_layers, capacity, d_model):
        if n_layers < 1 or capacity < 1 or d_model < 1:
            raise ValueError("n_layers, capacity and d_model must be at least 1")
        self.capacity = capacity
        self._k = [np.zeros((capacity, d_model))] * n_layers
        self._v = [np.zeros((capacity, d_model))] * n_layers
        self._len = [0] * n_layers

    def append(self, layer, k, v):
        k, v = np.atleast_2d(k), np.atleast_2d(v)
        n, t = self._len[layer], k.shape[0]
        if n + t > self.capacity:
            raise ValueError("the cache is full")
        self._k[layer][n : n + t] = k
        self._v[layer][n : n + t] = v
        self._len[layer] = n + t

    def keys(self, layer):
        return self._k[layer][: self._len[layer]]

    def values(self, layer):
        return self._v[layer][: self._len[layer]]

    def __len__(self):
        return self._len[0]
