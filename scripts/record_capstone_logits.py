"""Record the reference of chapter 3's real checks with transformers and torch (run once).

It loads the same GGUF file that the kit uses (SmolLM2-135M-Instruct, Q4_1) with transformers'
own GGUF loader, which dequantises it, undoes llama.cpp's permutation of the Q and K rows and
runs Hugging Face's Llama (rotate_half RoPE) in float32. For two fixed prompts it stores, per
position, the top 10 logits with their ids, and three checksums of the whole row (logsumexp,
mean and standard deviation); for a fixed paragraph, its perplexity. The ids come from Hugging
Face `tokenizers` built from the GGUF vocabulary and merges (SmolLM2's pre-tokenizer), not from
the kit. Output: grader/data/capstone/reference.json (about 40 KB). The kit's tests and
`hexahype chat --check` compare numpy code to it, without torch.

torch is for this script only, in a throw-away virtualenv outside the repository (the CPU
wheel, never a CUDA build):

    python3 -m venv /tmp/record-venv
    /tmp/record-venv/bin/pip install torch==2.13.0 transformers accelerate gguf
    /tmp/record-venv/bin/python scripts/record_capstone_logits.py

The GGUF file must be in the kit's cache first (`make test`, or `python -m grader.capstone fetch`
in the kit's virtualenv); HEXAHYPE_CACHE points elsewhere.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.capstone import fetch  # noqa: E402
from grader.capstone.tokenizer import hf_tokenizer  # noqa: E402
from grader.capstone.weights import read_tokenizer  # noqa: E402

OUT = ROOT / "grader" / "data" / "capstone" / "reference.json"
TOP = 10
CHAT = (
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face"
    "<|im_end|>\n<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
    "<|im_start|>assistant\n"
)
PROMPTS = {
    "chat": CHAT,
    "digits": (
        "In 1969, Apollo 11 landed on the Moon. The crew of 3 flew 384,400 km and came back "
        "8 days later."
    ),
}
PARAGRAPH = (
    "Photosynthesis is the process by which green plants use sunlight to make their own food. "
    "The plant takes in carbon dioxide from the air and water from the soil. Using the energy "
    "of light, it turns them into sugar and oxygen. The oxygen is released into the air, where "
    "animals and people breathe it."
)


def main() -> int:
    import torch
    from gguf import GGUFReader
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(1)
    path = fetch.gguf_path()
    if not path.is_file() or fetch.sha256(path) != fetch.GGUF_SHA256:
        print(f"record: {path.name} is not in the kit's cache; run make test first")
        return 1
    tok = hf_tokenizer(read_tokenizer(GGUFReader(str(path))))
    model = AutoModelForCausalLM.from_pretrained(
        str(path.parent), gguf_file=path.name, dtype=torch.float32
    )
    model.eval()

    def logits(ids: list[int]) -> np.ndarray:
        with torch.no_grad():
            return model(torch.tensor([ids])).logits[0].double().numpy()  # (T, V)

    doc: dict = {
        "recorded_with": {
            "torch": torch.__version__,
            "transformers": __import__("transformers").__version__,
            "gguf": fetch.GGUF_NAME,
            "gguf_sha256": fetch.GGUF_SHA256,
        },
        "top": TOP,
        "prompts": {},
    }
    for name, text in PROMPTS.items():
        ids = tok.encode(text).ids
        z = logits(ids)
        top = np.argsort(-z, axis=-1, kind="stable")[:, :TOP]  # (T, TOP)
        m = z.max(axis=-1, keepdims=True)
        lse = (m[:, 0] + np.log(np.exp(z - m).sum(axis=-1))).round(6)
        doc["prompts"][name] = {
            "text": text,
            "ids": ids,
            "top_ids": top.tolist(),
            "top_logits": np.take_along_axis(z, top, axis=-1).round(6).tolist(),
            "logsumexp": lse.tolist(),
            "mean": z.mean(axis=-1).round(6).tolist(),
            "std": z.std(axis=-1).round(6).tolist(),
        }
        print(f"{name}: {len(ids)} tokens, argmax after the prompt: {int(top[-1, 0])}")
    ids = tok.encode(PARAGRAPH).ids
    z = logits(ids)[:-1]
    m = z.max(axis=-1, keepdims=True)
    logp = z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))
    ppl = float(np.exp(-logp[np.arange(len(ids) - 1), ids[1:]].mean()))
    doc["paragraph"] = {"text": PARAGRAPH, "ids": ids, "perplexity": round(ppl, 4)}
    print(f"paragraph: {len(ids)} tokens, perplexity {ppl:.3f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
