"""Exports the small transformer test models in test/models/ and checks them.

Builds GPT-2, BERT, ViT and Llama (grouped-query attention) from small `transformers`
configs with random weights (fixed seeds), exports each through both torch ONNX exporters
(TorchScript at opset 17, dynamo at opset 18) and checks every file with onnxruntime
against torch on inputs of other shapes than the export example, so that a dimension baked
in at export fails the check. The decoders are exported without and with a KV cache
(`past_key_values.N.key` inputs, `present.N.key` outputs, Hugging Face naming). Dynamic
axes are named `batch`, `sequence`, `past_sequence`, and `total_sequence` for the attention
mask of a cached decoder (past_sequence + sequence).

For each model variant it writes `<family>/<variant>_<exporter>.onnx` (weights embedded,
at most 2 MB) and `<family>/<variant>.npz` holding the check inputs (`inputs/<name>`) and
torch's outputs (`outputs/<name>`). An exporter that fails for a variant is reported and
skipped; a file that fails its check fails the script.

Needs torch, transformers and onnxscript: run it from `.venv-export` (tools/setup
--export-deps), never from the CI venv:

    .venv-export/bin/python test/models/export.py [--out DIR]
"""

import argparse
import dataclasses
import pathlib
import sys
from collections.abc import Callable

import numpy as np
import onnx
import onnxruntime
import torch
import transformers
from transformers.cache_utils import DynamicCache

SEED = 0
MAX_FILE_BYTES = 2 * 1024 * 1024
TOLERANCE = 1e-3
# Weights are drawn with a larger spread than Hugging Face's 0.02 so that attention is far
# from uniform and a wrong mask or a wrong head split shows in the outputs.
INITIALIZER_RANGE = 0.2

# Example shapes for export and (different ones) for the check. They differ from each other
# and from every model dimension (heads, head size, hidden, vocab) so that an exporter
# cannot confuse a dynamic size with a constant.
EXPORT_SHAPE = {"batch": 3, "sequence": 7, "past_sequence": 5}
CHECK_SHAPE = {"batch": 2, "sequence": 6, "past_sequence": 9}


@dataclasses.dataclass
class Variant:
    """One model variant: a module taking positional tensors and returning a tuple."""

    family: str
    name: str
    module: torch.nn.Module
    # Makes the module's inputs, in `forward` order, for given batch/sequence sizes.
    make_inputs: Callable[[dict[str, int], np.random.Generator], dict[str, torch.Tensor]]
    output_names: list[str]
    # Dynamic axes of every input and output, by ONNX name: axis -> symbolic dim name.
    dynamic_axes: dict[str, dict[int, str]]


@dataclasses.dataclass
class Result:
    """What happened to one variant under one exporter."""

    path: pathlib.Path
    error: str | None = None
    size: int = 0
    max_abs_error: float = 0.0


# ----------------------------------------------------------------------------- models


class EncoderOutputs(torch.nn.Module):
    """Returns (last_hidden_state, pooler_output) of a BERT or ViT model as a tuple."""

    def __init__(self, model: torch.nn.Module, input_names: list[str]):
        super().__init__()
        self.model = model
        self.input_names = input_names

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.model(**dict(zip(self.input_names, inputs)))
        return out.last_hidden_state, out.pooler_output


class CausalLM(torch.nn.Module):
    """Runs a causal LM on flat tensors: the named inputs, then the KV cache, if any, as
    key/value pairs per layer. Returns logits, then the updated cache as pairs."""

    def __init__(self, model: torch.nn.Module, input_names: list[str], with_cache: bool):
        super().__init__()
        self.model = model
        self.input_names = input_names
        self.with_cache = with_cache

    def forward(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        named = dict(zip(self.input_names, inputs))
        if not self.with_cache:
            return (self.model(**named, use_cache=False).logits,)
        past = inputs[len(self.input_names) :]
        cache = DynamicCache(
            ddp_cache_data=list(zip(past[0::2], past[1::2])), config=self.model.config
        )
        out = self.model(**named, past_key_values=cache, use_cache=True)
        present = [t for layer in cache.layers for t in (layer.keys, layer.values)]
        return (out.logits, *present)


def build(model_class: type, config: transformers.PretrainedConfig) -> torch.nn.Module:
    """Builds `model_class` with seeded random weights, in eval mode.

    Hugging Face initialises biases to 0 and norm scales to 1; noise is added to every
    such constant parameter so that a dropped bias or scale changes the outputs, and so
    that no exporter can fold them away."""
    torch.manual_seed(SEED)
    model = model_class(config).eval()
    with torch.no_grad():
        for param in model.parameters():
            if torch.all(param == param.flatten()[0]):
                param.add_(torch.randn_like(param) * INITIALIZER_RANGE)
    return model


def token_ids(shape: tuple[int, ...], vocab: int, rng: np.random.Generator) -> torch.Tensor:
    return torch.from_numpy(rng.integers(0, vocab, size=shape, dtype=np.int64))


def padding_mask(batch: int, length: int, left: bool) -> torch.Tensor:
    """All ones, except that the last row has two padding positions (left or right)."""
    mask = torch.ones(batch, length, dtype=torch.int64)
    if left:
        mask[-1, :2] = 0
    else:
        mask[-1, -2:] = 0
    return mask


def decoder_variants(
    family: str,
    model_class: type,
    config: transformers.PretrainedConfig,
    with_position_ids: bool,
) -> list[Variant]:
    """The no-cache and KV-cache variants of a causal LM, each with its own copy of the
    model so that one export cannot change what another sees; left-padded inputs."""
    layers = config.num_hidden_layers
    kv_heads = getattr(config, "num_key_value_heads", config.num_attention_heads)
    head_dim = config.hidden_size // config.num_attention_heads
    input_names = ["input_ids", "attention_mask"] + (["position_ids"] if with_position_ids else [])
    past_names = [f"past_key_values.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]
    present_names = [f"present.{i}.{kv}" for i in range(layers) for kv in ("key", "value")]

    def make_inputs(shape, rng, with_cache):
        batch, seq = shape["batch"], shape["sequence"]
        past = shape["past_sequence"] if with_cache else 0
        mask = padding_mask(batch, past + seq, left=True)
        inputs = {
            "input_ids": token_ids((batch, seq), config.vocab_size, rng),
            "attention_mask": mask,
        }
        if with_position_ids:
            inputs["position_ids"] = (mask.cumsum(-1) - 1).clamp(min=0)[:, past:]
        for name in past_names if with_cache else []:
            inputs[name] = torch.from_numpy(
                rng.standard_normal((batch, kv_heads, past, head_dim), dtype=np.float32)
            )
        return inputs

    token_axes = {0: "batch", 1: "sequence"}
    nokv_axes = {name: token_axes for name in input_names + ["logits"]}
    kv_axes = {name: token_axes for name in input_names + ["logits"]}
    kv_axes["attention_mask"] = {0: "batch", 1: "total_sequence"}
    kv_axes.update({name: {0: "batch", 2: "past_sequence"} for name in past_names})
    kv_axes.update({name: {0: "batch", 2: "past_sequence + sequence"} for name in present_names})
    return [
        Variant(
            family,
            f"{family}_nokv",
            CausalLM(build(model_class, config), input_names, with_cache=False).eval(),
            lambda shape, rng: make_inputs(shape, rng, with_cache=False),
            ["logits"],
            nokv_axes,
        ),
        Variant(
            family,
            f"{family}_kv",
            CausalLM(build(model_class, config), input_names, with_cache=True).eval(),
            lambda shape, rng: make_inputs(shape, rng, with_cache=True),
            ["logits"] + present_names,
            kv_axes,
        ),
    ]


def gpt2_variants() -> list[Variant]:
    config = transformers.GPT2Config(
        vocab_size=256,
        n_positions=128,
        n_embd=64,
        n_layer=2,
        n_head=4,
        bos_token_id=255,
        eos_token_id=255,
        initializer_range=INITIALIZER_RANGE,
        attn_implementation="eager",
    )
    return decoder_variants("gpt2", transformers.GPT2LMHeadModel, config, with_position_ids=False)


def llama_variants() -> list[Variant]:
    config = transformers.LlamaConfig(
        vocab_size=256,
        max_position_embeddings=128,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        initializer_range=INITIALIZER_RANGE,
        attn_implementation="eager",
    )
    return decoder_variants("llama", transformers.LlamaForCausalLM, config, with_position_ids=True)


def bert_variants() -> list[Variant]:
    config = transformers.BertConfig(
        vocab_size=256,
        max_position_embeddings=128,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        initializer_range=INITIALIZER_RANGE,
        attn_implementation="eager",
    )
    model = build(transformers.BertModel, config)
    input_names = ["input_ids", "attention_mask", "token_type_ids"]

    def make_inputs(shape, rng):
        batch, seq = shape["batch"], shape["sequence"]
        return {
            "input_ids": token_ids((batch, seq), config.vocab_size, rng),
            "attention_mask": padding_mask(batch, seq, left=False),
            "token_type_ids": token_ids((batch, seq), config.type_vocab_size, rng),
        }

    axes = {name: {0: "batch", 1: "sequence"} for name in input_names + ["last_hidden_state"]}
    axes["pooler_output"] = {0: "batch"}
    return [
        Variant(
            "bert",
            "bert",
            EncoderOutputs(model, input_names).eval(),
            make_inputs,
            ["last_hidden_state", "pooler_output"],
            axes,
        )
    ]


def vit_variants() -> list[Variant]:
    config = transformers.ViTConfig(
        image_size=32,
        patch_size=8,
        num_channels=3,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        initializer_range=INITIALIZER_RANGE,
        attn_implementation="eager",
    )
    model = build(transformers.ViTModel, config)

    def make_inputs(shape, rng):
        size = (shape["batch"], config.num_channels, config.image_size, config.image_size)
        return {"pixel_values": torch.from_numpy(rng.standard_normal(size, dtype=np.float32))}

    axes = {name: {0: "batch"} for name in ("pixel_values", "last_hidden_state", "pooler_output")}
    return [
        Variant(
            "vit",
            "vit",
            EncoderOutputs(model, ["pixel_values"]).eval(),
            make_inputs,
            ["last_hidden_state", "pooler_output"],
            axes,
        )
    ]


# -------------------------------------------------------------------------- exporters


def export_torchscript(variant: Variant, inputs: dict[str, torch.Tensor], path: pathlib.Path):
    torch.onnx.export(
        variant.module,
        tuple(inputs.values()),
        str(path),
        dynamo=False,
        opset_version=17,
        input_names=list(inputs),
        output_names=variant.output_names,
        dynamic_axes=variant.dynamic_axes,
    )


def export_dynamo(variant: Variant, inputs: dict[str, torch.Tensor], path: pathlib.Path):
    dims = {}
    dynamic_shapes = tuple(
        {axis: dims.setdefault(dim, torch.export.Dim(dim)) for axis, dim in axes.items()}
        for axes in (variant.dynamic_axes[name] for name in inputs)
    )
    program = torch.onnx.export(
        variant.module,
        tuple(inputs.values()),
        dynamo=True,
        opset_version=18,
        input_names=list(inputs),
        output_names=variant.output_names,
        # The wrappers take their inputs as `*inputs`: one tuple argument to torch.export.
        dynamic_shapes=(dynamic_shapes,),
        external_data=False,
        verbose=False,
    )
    program.save(str(path), external_data=False)


EXPORTERS = {"ts17": export_torchscript, "dynamo18": export_dynamo}


# ------------------------------------------------------------------------------ check


def check(path: pathlib.Path, inputs: dict[str, torch.Tensor], expected: dict[str, np.ndarray]):
    """Checks size, validity and embedded weights of `path`; returns the largest absolute
    difference between onnxruntime's outputs and `expected`."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RuntimeError(f"{path} is {size} bytes, over the {MAX_FILE_BYTES} byte limit")
    model = onnx.load(str(path), load_external_data=False)
    if any(onnx.external_data_helper.uses_external_data(t) for t in model.graph.initializer):
        raise RuntimeError(f"{path} has external weights")
    onnx.checker.check_model(model, full_check=True)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    feeds = {name: tensor.numpy() for name, tensor in inputs.items()}
    got = dict(zip(expected, session.run(list(expected), feeds)))
    return max(float(np.max(np.abs(got[name] - want))) for name, want in expected.items())


def describe(error: BaseException) -> str:
    """The innermost cause of an exporter error, on one line."""
    while error.__cause__ is not None:
        error = error.__cause__
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"


def export_variant(variant: Variant, out_dir: pathlib.Path) -> list[Result]:
    """Writes the variant's .npz and one .onnx per exporter that works, checking each."""
    folder = out_dir / variant.family
    folder.mkdir(parents=True, exist_ok=True)
    export_inputs = variant.make_inputs(EXPORT_SHAPE, np.random.default_rng(SEED))
    check_inputs = variant.make_inputs(CHECK_SHAPE, np.random.default_rng(SEED + 1))
    with torch.no_grad():
        outputs = variant.module(*check_inputs.values())
    expected = {name: t.numpy() for name, t in zip(variant.output_names, outputs)}
    npz = folder / f"{variant.name}.npz"
    np.savez(
        npz,
        **{f"inputs/{name}": t.numpy() for name, t in check_inputs.items()},
        **{f"outputs/{name}": a for name, a in expected.items()},
    )
    print(f"wrote {npz} ({npz.stat().st_size / 1024:.0f} KiB)")

    results = []
    for tag, export in EXPORTERS.items():
        result = Result(folder / f"{variant.name}_{tag}.onnx")
        results.append(result)
        try:
            with torch.no_grad():
                export(variant, export_inputs, result.path)
        except Exception as e:  # noqa: BLE001 - an exporter failure is reported, not fatal
            result.error = describe(e)
            result.path.unlink(missing_ok=True)
            print(f"EXPORT FAILED {result.path}: {result.error}")
            continue
        result.size = result.path.stat().st_size
        result.max_abs_error = check(result.path, check_inputs, expected)
        verdict = "wrote" if result.max_abs_error <= TOLERANCE else "MISMATCH"
        print(
            f"{verdict} {result.path} ({result.size / 1024:.0f} KiB), "
            f"max abs error vs torch {result.max_abs_error:.2e}"
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path(__file__).resolve().parent,
        help="output folder (default: the folder of this script)",
    )
    args = parser.parse_args()

    variants = gpt2_variants() + bert_variants() + vit_variants() + llama_variants()
    results = [r for v in variants for r in export_variant(v, args.out)]

    failed_exports = [r for r in results if r.error]
    mismatches = [r for r in results if not r.error and r.max_abs_error > TOLERANCE]
    print(
        f"{len(results) - len(failed_exports)} models exported, "
        f"{len(failed_exports)} exports failed, "
        f"{len(mismatches)} over the {TOLERANCE:g} tolerance"
    )
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
