"""Exports small random-weight models with the tools people use to get ONNX models.

Where export.py calls torch's exporters directly, this script goes through the ecosystem:
each model is built from a small `transformers` config with seeded random weights, saved
to a local folder (with a byte-level tokenizer, which the tools expect to find), and
exported from that folder by

- `optimum-cli export onnx` (optimum-onnx): GPT-2, Llama, Qwen2, Phi-3, Mistral with
  their KV cache (`past_key_values.N.key` / `present.N.key`), BERT;
- onnxruntime-genai's model builder (`-e cpu`): Llama, Qwen2, Phi-3 and Mistral in fp32,
  Llama also in fp16 and int4 (GroupQueryAttention, MatMulNBits,
  SkipSimplifiedLayerNormalization; `seqlens_k` and `total_sequence_length` computed from
  `attention_mask` inside the graph);
- `onnxruntime.transformers.optimizer` on the optimum exports of GPT-2 and BERT
  (com.microsoft Attention, EmbedLayerNormalization, SkipLayerNormalization, FastGelu).

It writes `ecosystem/<model>_<tool>.onnx` (weights embedded, at most 2 MB) and
`ecosystem/<model>_<tool>.npz` with one set of inputs (`inputs/<name>`): batch 2, the
second row padded (on the left for Hugging Face exports, on the right for the genai
builder's, whose GroupQueryAttention expects right padding). A tool that fails for a
model is printed as `EXPORT FAILED <file>: <reason>` and skipped; every written file is
checked to load in onnxruntime. Needs torch, transformers, optimum-onnx and
onnxruntime-genai (`tools/setup --export-deps`); never runs in CI and never downloads a
model (HF_HUB_OFFLINE=1):

    .venv-export/bin/python test/models/export_ecosystem.py [--out DIR] [--only NAME]
"""

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

import numpy as np
import onnx
import onnxruntime
import torch
import transformers

SEED = 0
MAX_FILE_BYTES = 2 * 1024 * 1024
INITIALIZER_RANGE = 0.2
VOCAB = 256
# The check inputs: two rows, the second two tokens shorter than the first.
BATCH, SEQUENCE, PADDING = 2, 6, 2

COMMON = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
              num_attention_heads=4, max_position_embeddings=128,
              initializer_range=INITIALIZER_RANGE, bos_token_id=1, eos_token_id=2,
              pad_token_id=0, tie_word_embeddings=False)

CONFIGS = {
    "gpt2": lambda: transformers.GPT2Config(
        vocab_size=VOCAB, n_positions=128, n_embd=64, n_layer=2, n_head=4,
        initializer_range=INITIALIZER_RANGE, bos_token_id=1, eos_token_id=2, pad_token_id=0),
    "llama": lambda: transformers.LlamaConfig(**COMMON, num_key_value_heads=2),
    "qwen2": lambda: transformers.Qwen2Config(**COMMON, num_key_value_heads=2),
    "phi3": lambda: transformers.Phi3Config(**COMMON, num_key_value_heads=4,
                                            original_max_position_embeddings=128),
    "mistral": lambda: transformers.MistralConfig(**COMMON, num_key_value_heads=2,
                                                  sliding_window=None),
    "bert": lambda: transformers.BertConfig(
        vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, max_position_embeddings=128, type_vocab_size=2,
        initializer_range=INITIALIZER_RANGE, pad_token_id=0),
}

# (model, tool): what to export. Tools: optimum, genai-fp32, genai-fp16, genai-int4,
# ort-optimizer (applied to the optimum export).
EXPORTS = [
    ("gpt2", "optimum"), ("llama", "optimum"), ("qwen2", "optimum"), ("phi3", "optimum"),
    ("mistral", "optimum"), ("bert", "optimum"),
    ("llama", "genai-fp32"), ("llama", "genai-fp16"), ("llama", "genai-int4"),
    ("qwen2", "genai-fp32"), ("phi3", "genai-fp32"), ("mistral", "genai-fp32"),
    ("gpt2", "ort-optimizer"), ("bert", "ort-optimizer"),
]


def build(name: str) -> torch.nn.Module:
    """The model with seeded random weights; biases and norm scales get noise too, so that
    none is the constant a tool might fold away."""
    config = CONFIGS[name]()
    torch.manual_seed(SEED)
    model_class = (transformers.BertModel if name == "bert"
                   else transformers.AutoModelForCausalLM._model_mapping[type(config)])
    model = model_class(config).eval()
    with torch.no_grad():
        for param in model.parameters():
            if param.dim() == 1:
                param.add_(torch.randn_like(param) * INITIALIZER_RANGE)
    return model


def byte_tokenizer() -> transformers.PreTrainedTokenizerFast:
    """A tokenizer whose tokens are the 256 bytes (ids 0, 1 and 2 double as pad, bos and
    eos), which is what the tools need to find next to a model."""
    import tokenizers
    vocab = {f"<{i}>": i for i in range(VOCAB)}
    model = tokenizers.models.WordLevel(vocab=vocab, unk_token="<0>")
    tokenizer = tokenizers.Tokenizer(model)
    return transformers.PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, pad_token="<0>", bos_token="<1>", eos_token="<2>",
        unk_token="<0>")


def save_local(name: str, folder: pathlib.Path) -> None:
    model = build(name)
    model.config.use_cache = name != "bert"
    model.save_pretrained(folder, safe_serialization=True)
    byte_tokenizer().save_pretrained(folder)
    if name != "bert":
        transformers.GenerationConfig(bos_token_id=1, eos_token_id=2, pad_token_id=0).save_pretrained(
            folder)


def run(command: list[str], cwd: pathlib.Path | None = None) -> None:
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd,
                            env={**os.environ, "HF_HUB_OFFLINE": "1"})
    if result.returncode:
        raise RuntimeError((result.stderr or result.stdout).strip().splitlines()[-1][:300]
                           if (result.stderr or result.stdout).strip() else
                           f"exit status {result.returncode}")


def optimum_export(name: str, source: pathlib.Path, work: pathlib.Path) -> pathlib.Path:
    out = work / f"optimum_{name}"
    task = "feature-extraction" if name == "bert" else "text-generation-with-past"
    run([sys.executable, "-m", "optimum.commands.optimum_cli", "export", "onnx", "--model",
         str(source), "--task", task, "--opset", "17", str(out)])
    return out / "model.onnx"


def genai_export(name: str, precision: str, source: pathlib.Path,
                 work: pathlib.Path) -> pathlib.Path:
    out = work / f"genai_{name}_{precision}"
    run([sys.executable, "-m", "onnxruntime_genai.models.builder", "-i", str(source), "-o",
         str(out), "-p", precision, "-e", "cpu", "-c", str(work / "cache")])
    return out / "model.onnx"


def ort_optimize(name: str, optimum_model: pathlib.Path, work: pathlib.Path) -> pathlib.Path:
    from onnxruntime.transformers import optimizer
    optimized = optimizer.optimize_model(str(optimum_model), model_type=name, num_heads=4,
                                         hidden_size=64, opt_level=1)
    out = work / f"ort_{name}.onnx"
    optimized.save_model_to_file(str(out))
    return out


def check_inputs(session: onnxruntime.InferenceSession, name: str, right_padding: bool,
                 rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Inputs of the first step (empty cache) for batch 2 with the second row padded."""
    dtypes = {"tensor(int64)": np.int64, "tensor(int32)": np.int32,
              "tensor(float)": np.float32, "tensor(float16)": np.float16}
    mask = np.ones((BATCH, SEQUENCE), np.int64)
    if right_padding:
        mask[1, SEQUENCE - PADDING:] = 0
    else:
        mask[1, :PADDING] = 0
    ids = rng.integers(3, VOCAB, (BATCH, SEQUENCE)) * mask
    positions = np.where(mask == 1, np.cumsum(mask, -1) - 1, 1)
    inputs = {}
    for i in session.get_inputs():
        dtype = dtypes[i.type]
        if i.name == "input_ids":
            inputs[i.name] = ids.astype(dtype)
        elif i.name == "attention_mask":
            inputs[i.name] = mask.astype(dtype)
        elif i.name == "position_ids":
            inputs[i.name] = positions.astype(dtype)
        elif i.name == "token_type_ids":
            inputs[i.name] = np.zeros((BATCH, SEQUENCE), dtype)
        elif i.name.startswith("past"):
            shape = [d if isinstance(d, int) else BATCH for d in i.shape]
            shape[-2] = 0
            inputs[i.name] = np.zeros(shape, dtype)
        else:
            raise RuntimeError(f"no check input for '{i.name}'")
    return inputs


def embed_weights(path: pathlib.Path) -> onnx.ModelProto:
    """The model with any external data loaded into it."""
    model = onnx.load(str(path), load_external_data=True)
    for tensor in model.graph.initializer:
        tensor.ClearField("data_location")
        del tensor.external_data[:]
    return model


def export_one(name: str, tool: str, work: pathlib.Path, out_dir: pathlib.Path,
               sources: dict[str, pathlib.Path]) -> str:
    if name not in sources:
        sources[name] = work / f"hf_{name}"
        save_local(name, sources[name])
    source = sources[name]
    if tool == "optimum":
        path = optimum_export(name, source, work)
    elif tool.startswith("genai-"):
        path = genai_export(name, tool.split("-", 1)[1], source, work)
    elif tool == "ort-optimizer":
        optimum_model = work / f"optimum_{name}" / "model.onnx"
        if not optimum_model.exists():
            optimum_model = optimum_export(name, source, work)
        path = ort_optimize(name, optimum_model, work)
    else:
        raise ValueError(tool)
    model = embed_weights(path)
    stem = f"{name}_{tool.replace('-', '_')}"
    target = out_dir / f"{stem}.onnx"
    onnx.save(model, str(target))
    size = target.stat().st_size
    if size > MAX_FILE_BYTES:
        target.unlink()
        raise RuntimeError(f"{size} bytes, over the {MAX_FILE_BYTES}-byte limit")
    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    inputs = check_inputs(session, name, tool.startswith("genai-"),
                          np.random.default_rng(SEED))
    session.run(None, inputs)
    np.savez(out_dir / f"{stem}.npz", **{f"inputs/{k}": v for k, v in inputs.items()})
    ops = sorted({f"{n.domain + '.' if n.domain else ''}{n.op_type}" for n in model.graph.node})
    return f"{size} bytes, opset {model.opset_import[0].version}, ops: {', '.join(ops)}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=pathlib.Path,
                        default=pathlib.Path(__file__).parent / "ecosystem")
    parser.add_argument("--only", help="export only this model's files")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    versions = {p: __import__(m).__version__ for p, m in
                [("torch", "torch"), ("transformers", "transformers"), ("onnx", "onnx"),
                 ("onnxruntime", "onnxruntime")]}
    print("versions:", json.dumps(versions))
    sources: dict[str, pathlib.Path] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        for name, tool in EXPORTS:
            if args.only and name != args.only:
                continue
            stem = f"{name}_{tool.replace('-', '_')}"
            try:
                print(f"{stem}: {export_one(name, tool, work, args.out, sources)}", flush=True)
            except Exception as e:  # A tool's failure is reported, not fatal.
                print(f"EXPORT FAILED {stem}.onnx: {type(e).__name__}: {e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
