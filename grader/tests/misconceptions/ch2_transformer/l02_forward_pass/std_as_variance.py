"""init_params passes 0.02 ** 2 as the scale of rng.normal, reading 0.02 as the variance, so the
weights have a standard deviation of 0.0004."""

EXPECT = "not the variance"

import numpy as np

_right_init_params = init_params


def init_params(config, seed):
    params = _right_init_params(config, seed)

    def shrink(value):
        return value * 0.02 if value.ndim == 2 else value

    out = {k: shrink(v) for k, v in params.items() if k != "blocks"}
    out["blocks"] = [{k: shrink(v) for k, v in b.items()} for b in params["blocks"]]
    return out
