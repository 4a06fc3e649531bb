"""Compares the gradients of `stratac compile --loss` programs with
torch.autograd's, in float32: the GPT-style and BERT-style test architectures
(check_training_parity.py's models: GPT2LMHeadModel and BertForMaskedLM at the
sizes of test/models/export.py, dropout off), exported by torch's default
(dynamo) exporter, under their losses (causal cross entropy; next-token
cross entropy), on the same random batch. Every trained initializer's
gradient must equal torch's within rtol 1e-4 (and an absolute 1e-4 of the
model's largest gradient element, for elements that are zero but for
rounding).

The exporter folds some parameters into other initializers: linear layers'
weights transposed (`val_19`), the position embeddings the batch reads
(`embedding_1`: rows 0 .. T-1), the token type embedding every position
reads (its row 0, at every position); each is matched to its parameter by
value and compared with that parameter's gradient, transposed, cut to those
rows, or (for the row read everywhere) summed over the positions.

  python check_torch_gradients.py --stratac build/bin/stratac --work DIR

Prints one line per model and "N passed, N failed"; exits 77 without torch
(running itself with $STRATA_EXPORT_PYTHON when that has it).
"""
import argparse
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_training_parity as parity  # noqa: E402  (exits 77 without torch)

import onnx  # noqa: E402
import torch  # noqa: E402
from onnx import numpy_helper  # noqa: E402


def torch_gradients(kind, model, names, rows):
    model.train()
    model.zero_grad()
    ids = torch.from_numpy(rows[:, :parity.SEQUENCE])
    feeds = dict(zip(names, parity.feeds(names, ids)))
    if kind == "gpt2":
        loss = model(**feeds, labels=ids).loss
    else:
        logits = model(**feeds).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, parity.VOCAB),
                                                 torch.from_numpy(rows[:, 1:]).reshape(-1))
    loss.backward()
    return loss.item(), {n: (p.detach().numpy(), p.grad.numpy())
                         for n, p in model.named_parameters(remove_duplicate=False)}


def reference_for(name, value, grad, params):
    """Torch's gradient for the export's initializer `name` of initial value
    `value`, in the shape of Strata's `grad`: a parameter of that name, or the
    parameter the exporter folded into it (transposed, the rows the batch
    reads, or the one row every position reads), found by its value."""
    key = name.removeprefix("model.")
    if key in params:
        return params[key][1], grad
    for weight, gradient in params.values():
        if weight.shape == value.shape[::-1] and value.ndim == 2 and np.array_equal(weight.T, value):
            return gradient.T, grad
        if value.ndim == 3 and weight.ndim == 2 and value.shape[2] == weight.shape[1]:
            rows = value.reshape(-1, weight.shape[1])
            if len(rows) <= len(weight) and np.array_equal(rows, weight[:len(rows)]):
                return gradient[:len(rows)].reshape(grad.shape), grad
            if np.array_equal(rows, np.broadcast_to(weight[0], rows.shape)):
                return gradient[0], grad.reshape(-1, weight.shape[1]).sum(0)
    return None, grad


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    # Not id 0: BERT's word embedding has padding_idx 0, whose row PyTorch
    # never gives a gradient; ONNX's Gather has no padding index, so the
    # program (rightly, for the graph it is given) does.
    rows = rng.integers(1, parity.VOCAB, (parity.BATCH, parity.SEQUENCE + 1)).astype(np.int64)
    passed = failed = 0
    for kind in ("gpt2", "bert"):
        model, names = parity.build(kind)
        work = os.path.join(args.work, kind)
        os.makedirs(work, exist_ok=True)
        path = parity.export(model, names, os.path.join(work, "model.onnx"))
        loss = ("cross_entropy:logits,input_ids,shift" if kind == "gpt2"
                else "cross_entropy:logits,labels")
        program = os.path.join(work, "grad")
        shapes = ",".join(f"{n}={parity.BATCH}x{parity.SEQUENCE}" for n in names)
        subprocess.run([args.stratac, "compile", path, "-o", program, "--shape", shapes,
                        f"--loss={loss}"], check=True)
        ids = rows[:, :parity.SEQUENCE]
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                 "token_type_ids": np.zeros_like(ids), "labels": rows[:, 1:]}
        command = [program]
        for name in names + ([] if kind == "gpt2" else ["labels"]):
            np.save(os.path.join(work, name + ".npy"), feeds[name])
            command += ["--input", f"{name}={os.path.join(work, name + '.npy')}"]
        listing = subprocess.run([program, "--help"], check=True, capture_output=True,
                                 text=True).stdout
        outputs = [line.split()[0] for line in listing.split("outputs:")[1].splitlines()
                   if line.strip()]
        for k, name in enumerate(outputs):
            command += ["--output", f"{name}={os.path.join(work, f'out{k}.npy')}"]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        ours = {name: np.load(os.path.join(work, f"out{k}.npy")) for k, name in enumerate(outputs)}
        torch_loss, grads = torch_gradients(kind, model, names, rows)
        problems = []
        if not np.isclose(float(ours["loss"]), torch_loss, rtol=1e-5):
            problems.append(f"loss {float(ours['loss'])} against {torch_loss}")
        initial = {t.name: numpy_helper.to_array(t) for t in onnx.load(path).graph.initializer}
        # Elements within 1e-4 of the largest gradient element of the model
        # are equal (a key bias's gradient is zero but for rounding).
        largest = max(np.abs(g).max() for _, g in grads.values())
        compared = 0
        for name, grad in ours.items():
            if not name.endswith(".grad"):
                continue
            initializer = name.removesuffix(".grad")
            reference, mine = reference_for(initializer, initial[initializer], grad, grads)
            if reference is None:
                problems.append(f"{name}: no parameter matches it")
                continue
            reference = reference.reshape(mine.shape)
            if not np.allclose(mine, reference, rtol=1e-4, atol=1e-4 * largest):
                problems.append(f"{name}: largest difference {np.abs(mine - reference).max():.3g}"
                                f" of {np.abs(reference).max():.3g}")
            compared += 1
        if problems:
            failed += 1
            print(f"FAIL {kind}: " + "; ".join(problems))
        else:
            passed += 1
            print(f"ok {kind}: loss {torch_loss:.6f}, {compared} gradients within rtol 1e-4")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
