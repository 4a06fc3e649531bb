"""Writes the real-sized exports test/bench/cpu_vs_ort.py times (never committed):
a GPT-2-small-sized model (12 layers, d_model 768, 12 heads, vocabulary 50257)
without cache through the TorchScript exporter with dynamic axes
(`gpt2_ts17.onnx`) and through the dynamo exporter with static shapes at
batch 1, sequence 128 (`gpt2_dynamo18.onnx`), and a BERT-base-sized encoder
(12 layers, 768, 12 heads, vocabulary 30522) through TorchScript
(`bert_ts17.onnx`); random weights, built with test/models/export.py's
wrappers. Needs torch and transformers (`tools/setup --export-deps`).

  .venv-export/bin/python export_real_sizes.py --out DIR
"""
import argparse
import os
import pathlib
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "test", "models"))

import torch  # noqa: E402
import transformers  # noqa: E402

import export as models  # noqa: E402

# transformers 4.57 builds masks with torch.vmap on torch >= 2.6, which the
# TorchScript tracer cannot follow; its path for older torch builds the same
# masks with broadcasting.
transformers.masking_utils.sdpa_mask = transformers.masking_utils.sdpa_mask_older_torch

SHAPE = {"batch": 1, "sequence": 128, "past_sequence": 0}


def gpt2():
    config = transformers.GPT2Config(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12,
                                     n_head=12, bos_token_id=50256, eos_token_id=50256,
                                     attn_implementation="eager")
    return next(v for v in models.decoder_variants("gpt2", transformers.GPT2LMHeadModel, config,
                                                   with_position_ids=False)
                if v.name == "gpt2_nokv")


def bert():
    config = transformers.BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12,
                                     num_attention_heads=12, intermediate_size=3072,
                                     attn_implementation="eager")
    model = models.build(transformers.BertModel, config)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "sequence"} for name in names + ["last_hidden_state"]}
    axes["pooler_output"] = {0: "batch"}

    def make_inputs(shape, rng):
        batch, seq = shape["batch"], shape["sequence"]
        return {"input_ids": models.token_ids((batch, seq), config.vocab_size, rng),
                "attention_mask": torch.ones((batch, seq), dtype=torch.int64),
                "token_type_ids": torch.zeros((batch, seq), dtype=torch.int64)}

    return models.Variant("bert", "bert", models.EncoderOutputs(model, names).eval(), make_inputs,
                          ["last_hidden_state", "pooler_output"], axes)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True)
    out = pathlib.Path(parser.parse_args().out)
    rng = np.random.default_rng(0)
    with torch.no_grad():
        variant = gpt2()
        inputs = variant.make_inputs(SHAPE, rng)
        models.export_torchscript(variant, inputs, out / "gpt2_ts17.onnx")
        program = torch.onnx.export(variant.module, tuple(inputs.values()), dynamo=True,
                                    opset_version=18, input_names=list(inputs),
                                    output_names=variant.output_names, external_data=False,
                                    verbose=False)
        program.save(str(out / "gpt2_dynamo18.onnx"), external_data=False)
        variant = bert()
        models.export_torchscript(variant, variant.make_inputs(SHAPE, rng), out / "bert_ts17.onnx")


if __name__ == "__main__":
    main()
