"""One training step's forward and backward pass of a GPT-2-small-sized model
(12 layers, d_model 768, 12 heads, vocabulary 50257; random weights) at batch
1 and 128 tokens, under the causal language-model loss: the dynamo export of
export_real_sizes.py's GPT-2 (made on the fly, never committed) compiled with
`--loss=cross_entropy:logits,labels,shift`, against PyTorch eager computing
`GPT2LMHeadModel(input_ids, labels=input_ids).loss` and its backward pass on
the same weights (the export's initializers) and tokens. Strata's time per
step comes from the program's own `--bench` loop, PyTorch's from as many
steps after a warm-up, at the same thread counts. Also prints both losses and
the largest difference of a few weights' gradients relative to the largest
gradient element. Prints figures; asserts nothing.

  .venv-export/bin/python gradients.py --stratac build/bin/stratac [--threads 1 2]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from export_real_sizes import SHAPE, gpt2  # noqa: E402

import onnx  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402
from onnx import numpy_helper  # noqa: E402

CHECKED = ["model.transformer.h.0.attn.c_attn.weight", "model.transformer.h.11.mlp.c_proj.weight",
           "model.lm_head.weight"]


def export(path, rng):
    variant = gpt2()
    inputs = variant.make_inputs(SHAPE, rng)
    with torch.no_grad():
        program = torch.onnx.export(variant.module, tuple(inputs.values()), dynamo=True,
                                    opset_version=18, input_names=list(inputs),
                                    output_names=variant.output_names, external_data=False,
                                    verbose=False)
    program.save(path, external_data=False)
    return {name: value.numpy() for name, value in inputs.items()}


def torch_model(path):
    config = transformers.GPT2Config(vocab_size=50257, n_positions=1024, n_embd=768, n_layer=12,
                                     n_head=12, attn_implementation="eager")
    model = transformers.GPT2LMHeadModel(config)
    weights = {i.name.removeprefix("model."): torch.from_numpy(numpy_helper.to_array(i).copy())
               for i in onnx.load(path).graph.initializer}
    # The export names the tied embedding after the head; loading it sets both.
    model.load_state_dict(weights, strict=False)
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as work:
        model_path = os.path.join(work, "gpt2_dynamo18.onnx")
        feeds = export(model_path, rng)
        exe = os.path.join(work, "gpt2_grad")
        start = time.perf_counter()
        subprocess.run([args.stratac, "compile", model_path, "-o", exe, "--shape",
                        f"input_ids=1x{SHAPE['sequence']}",
                        "--loss=cross_entropy:logits,labels,shift"], check=True)
        print(f"compiled the gradient program in {time.perf_counter() - start:.1f} s")
        feeds["labels"] = feeds["input_ids"]
        run = [exe]
        for name, value in feeds.items():
            np.save(os.path.join(work, name + ".npy"), value)
            run += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
        outputs = ["loss"] + [name + ".grad" for name in CHECKED]
        first = run + [arg for k, name in enumerate(outputs)
                       for arg in ("--output", f"{name}={os.path.join(work, f'out{k}.npy')}")]
        subprocess.run(first, check=True, stdout=subprocess.DEVNULL)
        got = [np.load(os.path.join(work, f"out{k}.npy")) for k in range(len(outputs))]

        model = torch_model(model_path)
        ids = torch.from_numpy(feeds["input_ids"])
        mask = torch.from_numpy(feeds["attention_mask"])

        def step():
            model.zero_grad()
            loss = model(input_ids=ids, attention_mask=mask, labels=ids).loss
            loss.backward()
            return loss.item()

        loss = step()
        print(f"loss: strata {float(got[0]):.6f}, torch {loss:.6f}")
        params = dict(model.named_parameters())
        for name, grad in zip(CHECKED, got[1:]):
            key = name.removeprefix("model.")
            key = "transformer.wte.weight" if key == "lm_head.weight" else key
            reference = params[key].grad.numpy()
            worst = np.abs(grad - reference).max() / np.abs(reference).max()
            print(f"{name}.grad: largest difference {worst:.2e} of the largest element")
        print(f"{'threads':>7} {'strata ms':>10} {'torch ms':>9} {'torch/strata':>13}")
        for threads in args.threads:
            out = subprocess.run(run + ["--bench", str(args.runs), "--threads", str(threads)],
                                 check=True, stdout=subprocess.PIPE, text=True).stdout
            strata_ms = float(next(line for line in out.splitlines()
                                   if line.startswith("bench:")).split(",")[1].split()[0])
            torch.set_num_threads(threads)
            step()
            start = time.perf_counter()
            for _ in range(args.runs):
                step()
            torch_ms = (time.perf_counter() - start) / args.runs * 1000
            print(f"{threads:>7} {strata_ms:>10.1f} {torch_ms:>9.1f} {torch_ms / strata_ms:>12.2f}x",
                  flush=True)


if __name__ == "__main__":
    main()
