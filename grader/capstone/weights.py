"""SmolLM2-135M-Instruct's GGUF file read into the chapter 3 layout: float32 numpy arrays.

The file is read with the `gguf` package (llama.cpp's own Python reader). Its weight matrices are
quantised: Q4_1 for the 210 matrices of the 30 layers (blocks of 32 values sharing a scale and a
minimum, 4 bits each) and Q8_0 for the token embedding (blocks of 32 int8 values sharing a
scale). `gguf.quants.dequantize` turns them into float32. The layout handed to lesson code:

    params = {
        "wte":    (V, d)        token embeddings, and the LM head too (tied): logits = h @ wte.T
        "norm":   (d,)          the final RMSNorm gain
        "blocks": a list of n_layers dicts, each with
            "attn_norm" (d,)    "w_q" (d, H*hd)   "w_k" (d, KV*hd)   "w_v" (d, KV*hd)
            "w_o" (H*hd, d)     "mlp_norm" (d,)   "w_gate" (d, F)    "w_up" (d, F)
            "w_down" (F, d)
    }

Matrices are stored (in, out), so a layer computes `x @ W` as in chapter 2 (GGUF keeps them
(out, in); they are transposed once, here). There are no biases. `w_q` and `w_k` are kept as
the GGUF file has them: llama.cpp's converter permuted their output columns so that, within each
head, RoPE rotates the interleaved pairs (x[2i], x[2i+1]). With Hugging Face's original
checkpoint the pairs would be (x[i], x[i + hd/2]) instead ("rotate_half").

Dequantising takes a few seconds, so the arrays are written once to a cache next to the GGUF
file (one raw float32 file and an index) and memory-mapped read-only afterwards: loading is then
almost free, and several processes share the same pages.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from .. import progressbar
from . import fetch

CACHE_FORMAT = 2
CACHE_DIR = f"float32-v{CACHE_FORMAT}"

# GGUF tensor name (within a layer) -> the course's name, and whether it is a matrix to transpose
LAYER_NAMES = {
    "attn_norm": "attn_norm",
    "attn_q": "w_q",
    "attn_k": "w_k",
    "attn_v": "w_v",
    "attn_output": "w_o",
    "ffn_norm": "mlp_norm",
    "ffn_gate": "w_gate",
    "ffn_up": "w_up",
    "ffn_down": "w_down",
}


def course_name(tensor_name: str) -> tuple[str, int | None]:
    """`blk.3.attn_q.weight` -> ("w_q", 3); `token_embd.weight` -> ("wte", None)."""
    parts = tensor_name.split(".")
    if parts[0] == "blk":
        return LAYER_NAMES[parts[2]], int(parts[1])
    top = {"token_embd": "wte", "output_norm": "norm"}
    if parts[0] not in top:
        raise KeyError(f"unexpected tensor {tensor_name!r} in the GGUF file")
    return top[parts[0]], None


def _field(reader: Any, key: str, default: Any = None) -> Any:
    f = reader.fields.get(key)
    return default if f is None else f.contents()


def read_config(reader: Any) -> dict[str, Any]:
    """The model's hyperparameters from the GGUF metadata, in the course's names."""
    arch = _field(reader, "general.architecture")
    if arch != "llama":
        raise ValueError(f"expected a llama-architecture GGUF, got {arch!r}")
    d = int(_field(reader, "llama.embedding_length"))
    n_heads = int(_field(reader, "llama.attention.head_count"))
    return {
        "vocab_size": int(_field(reader, "llama.vocab_size")),
        "context_length": int(_field(reader, "llama.context_length")),
        "d_model": d,
        "n_layers": int(_field(reader, "llama.block_count")),
        "n_heads": n_heads,
        "n_kv_heads": int(_field(reader, "llama.attention.head_count_kv")),
        "head_dim": int(_field(reader, "llama.rope.dimension_count", d // n_heads)),
        "d_ff": int(_field(reader, "llama.feed_forward_length")),
        "rope_base": float(_field(reader, "llama.rope.freq_base")),
        # stored as a float32 (9.99999974e-06): round it to the 1e-5 it stands for
        "norm_eps": float(f"{float(_field(reader, 'llama.attention.layer_norm_rms_epsilon')):.6g}"),
    }


def read_tokenizer(reader: Any) -> dict[str, Any]:
    """The tokenizer's data from the GGUF metadata: the byte-level token strings, their types,
    the merges in priority order, the special ids, the pre-tokenizer's name, the chat template."""
    return {
        "model": _field(reader, "tokenizer.ggml.model"),
        "pre": _field(reader, "tokenizer.ggml.pre"),
        "tokens": list(_field(reader, "tokenizer.ggml.tokens")),
        "token_types": [int(t) for t in _field(reader, "tokenizer.ggml.token_type")],
        "merges": list(_field(reader, "tokenizer.ggml.merges")),
        "bos_id": int(_field(reader, "tokenizer.ggml.bos_token_id")),
        "eos_id": int(_field(reader, "tokenizer.ggml.eos_token_id")),
        "chat_template": _field(reader, "tokenizer.chat_template"),
    }


def dequantize(tensor: Any) -> Any:
    """One GGUF tensor as a float32 array in numpy's (row, column) order, that is GGUF's
    (out, in) for a matrix. F32 tensors come as they are; Q4_1 and Q8_0 go through
    `gguf.quants.dequantize`."""
    import numpy as np
    from gguf import quants

    out = quants.dequantize(tensor.data, tensor.tensor_type)
    return np.asarray(out, dtype=np.float32)


def build_cache(gguf_file: Path, dest: Path, quiet: bool = False) -> Path:
    """Dequantise every tensor of `gguf_file` into `dest` (weights.f32 and meta.json), written
    in a temporary folder and renamed into place, so a reader never sees half a cache."""
    import numpy as np
    from gguf import GGUFReader

    reader = GGUFReader(str(gguf_file))
    config = read_config(reader)
    tokenizer = read_tokenizer(reader)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=dest.parent))
    index: dict[str, dict[str, Any]] = {}
    raw: dict[str, dict[str, Any]] = {}  # where each tensor's quantised bytes lie in the file
    offset = 0
    live = not quiet and sys.stderr.isatty()
    progress = progressbar.Counter(len(reader.tensors), "hexahype: dequantising", live=live)
    if not quiet:
        print(
            f"hexahype: dequantising {gguf_file.name} once ({len(reader.tensors)} tensors)",
            file=sys.stderr,
            flush=True,
        )
    try:
        with open(tmp / "weights.f32", "wb") as fh, progress:
            for tensor in reader.tensors:
                name, layer = course_name(tensor.name)
                arr = dequantize(tensor)
                if arr.ndim == 2 and name != "wte":
                    arr = arr.T  # GGUF's (out, in) -> the course's (in, out)
                arr = np.ascontiguousarray(arr, dtype="<f4")
                key = name if layer is None else f"blocks.{layer}.{name}"
                index[key] = {"offset": offset, "shape": list(arr.shape)}
                raw[tensor.name] = {
                    "type": tensor.tensor_type.name,
                    "offset": int(tensor.data_offset),
                    "shape": [int(n) for n in tensor.data.shape],
                    "course": key,
                }
                fh.write(arr.tobytes())
                offset += arr.size
                progress.advance()
        if not quiet:
            print(f"hexahype: dequantised {progress.done} tensors", file=sys.stderr, flush=True)
        meta = {
            "format": CACHE_FORMAT,
            "gguf": gguf_file.name,
            "gguf_sha256": fetch.GGUF_SHA256,
            "config": config,
            "tokenizer": tokenizer,
            "arrays": index,
            "values": offset,
            "gguf_tensors": raw,
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; the cache is for every process
        try:
            os.replace(tmp, dest)
        except OSError:
            if not (dest / "meta.json").is_file():  # not another process that got there first
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def cache_path() -> Path:
    return fetch.model_dir() / CACHE_DIR


def ensure(quiet: bool = False) -> Path:
    """Fetch the GGUF file and build the float32 cache when they are missing; return the
    cache folder."""
    dest = cache_path()
    if (dest / "meta.json").is_file() and (dest / "weights.f32").is_file():
        return dest
    built = build_cache(fetch.ensure_gguf(quiet=quiet), dest, quiet=quiet)
    for old in dest.parent.glob("float32-v*"):  # caches of earlier formats: 540 MB each
        if old.name != dest.name:
            shutil.rmtree(old, ignore_errors=True)
    return built


def read_meta(folder: Path) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    return meta


def load_arrays(folder: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(params, config, tokenizer data) from a cache folder; the arrays are read-only views of
    one memory-mapped file."""
    import numpy as np

    meta = read_meta(folder)
    if meta.get("format") != CACHE_FORMAT:
        raise ValueError(
            f"{folder.name}: cache format {meta.get('format')}, expected {CACHE_FORMAT}"
        )
    flat = np.memmap(folder / "weights.f32", dtype="<f4", mode="r", shape=(meta["values"],))
    config = meta["config"]
    params: dict[str, Any] = {"blocks": [{} for _ in range(config["n_layers"])]}
    for key, info in meta["arrays"].items():
        size = int(np.prod(info["shape"]))
        view = flat[info["offset"] : info["offset"] + size].reshape(info["shape"])
        arr = view.view(np.ndarray)  # a plain read-only ndarray over the mapped pages
        if key.startswith("blocks."):
            _, layer, name = key.split(".")
            params["blocks"][int(layer)][name] = arr
        else:
            params[key] = arr
    return params, config, meta["tokenizer"]
