"""Trains the GPT-style and BERT-style test models' architectures (the
configurations of test/models/export.py, dropout off) for a few steps with
Strata and with PyTorch from the same initial weights on the same batches,
with the same AdamW, and checks that the loss curves agree.

Strata's side is a program `stratac compile --train` makes of the model's
dynamo export (torch.onnx.export's default), run with `--train --data` on a token stream; PyTorch's is
the model it was exported from, trained with torch.optim.AdamW on the
windows of the stream the program reads at each step (TrainingData.h: step s,
row b starts at token T * ((s - 1) * B + b)). The GPT model's loss is the
causal LM loss (`cross_entropy:logits,input_ids,shift`, Hugging Face's
`labels=input_ids`); the BERT model's (BertForMaskedLM) scores each
position's logits against the next token (`cross_entropy:logits,labels`).

  python check_training_parity.py --stratac build/bin/stratac --work DIR \\
      [--model gpt2|bert] [--steps 20] [--tolerance 0.01] [--lr 1e-3]

The default rate, 1e-3, keeps the runs out of the regime where training is
chaotic: at 3e-3 the GPT model's curve parts near step 44 between PyTorch
runs whose initial weights differ by 1e-6 relative, as it does between
Strata and PyTorch.

Prints both curves and "N steps within TOL" per model; exits 1 when a step's
losses differ by more than the tolerance (relative). Without torch it runs
itself with $STRATA_EXPORT_PYTHON (the export environment's), or exits 77.
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_python  # noqa: E402

export_python.require("torch", "transformers")
import torch  # noqa: E402
import transformers  # noqa: E402

BATCH, SEQUENCE, VOCAB = 4, 32, 256
BETAS, EPS, DECAY = (0.9, 0.999), 1e-8, 0.01


class Logits(torch.nn.Module):
    def __init__(self, model, names):
        super().__init__()
        self.model, self.names = model, names

    def forward(self, *inputs):
        return self.model(**dict(zip(self.names, inputs))).logits


def build(kind):
    model, names = configure(kind)
    # Hugging Face starts biases at 0 and norm scales at 1: the exporter would
    # fold equal ones into one initializer (or drop a zero bias), and the
    # program would train them as one. Noise keeps every parameter apart.
    with torch.no_grad():
        for param in model.parameters():
            if torch.all(param == param.flatten()[0]):
                param.add_(torch.randn_like(param) * 0.02)
    return model, names


def configure(kind):
    torch.manual_seed(0)
    if kind == "gpt2":
        config = transformers.GPT2Config(
            vocab_size=VOCAB, n_positions=128, n_embd=64, n_layer=2, n_head=4,
            resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, attn_implementation="eager")
        config.use_cache = False
        # With an attention mask, as exporters trace Hugging Face decoders.
        return transformers.GPT2LMHeadModel(config), ["input_ids", "attention_mask"]
    config = transformers.BertConfig(
        vocab_size=VOCAB, max_position_embeddings=128, hidden_size=64, intermediate_size=128,
        num_hidden_layers=2, num_attention_heads=4, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0, attn_implementation="eager")
    return transformers.BertForMaskedLM(config), ["input_ids", "attention_mask", "token_type_ids"]


def feeds(names, ids):
    values = {"input_ids": ids, "attention_mask": torch.ones_like(ids),
              "token_type_ids": torch.zeros_like(ids)}
    return [values[n] for n in names]


def windows(stream, step):
    """Step `step`'s batch: rows of SEQUENCE + 1 tokens, as the program reads them."""
    count = (len(stream) - SEQUENCE - 1) // SEQUENCE + 1
    starts = [((step - 1) * BATCH + b) % count * SEQUENCE for b in range(BATCH)]
    return torch.from_numpy(np.stack([stream[s:s + SEQUENCE + 1] for s in starts]).astype(np.int64))


def export(model, names, path):
    """Exports `model`'s logits at [BATCH, SEQUENCE] with the dynamo exporter."""
    sample = torch.zeros((BATCH, SEQUENCE), dtype=torch.int64)
    with torch.no_grad():
        program = torch.onnx.export(Logits(model.eval(), names), tuple(feeds(names, sample)),
                                    dynamo=True, opset_version=18, input_names=names,
                                    output_names=["logits"], external_data=False, verbose=False)
    program.save(path, external_data=False)
    return path


def strata_losses(args, kind, model, names, data):
    work = os.path.join(args.work, kind)
    os.makedirs(work, exist_ok=True)
    path = export(model, names, os.path.join(work, "model.onnx"))
    loss = ("cross_entropy:logits,input_ids,shift" if kind == "gpt2"
            else "cross_entropy:logits,labels")
    shapes = ",".join(f"{n}={BATCH}x{SEQUENCE}" for n in names)
    program = os.path.join(work, "train")
    optimizer = f"adamw:beta1={BETAS[0]},beta2={BETAS[1]},eps={EPS},weight_decay={DECAY}"
    subprocess.run([args.stratac, "compile", path, "-o", program, "--shape", shapes,
                    f"--loss={loss}", "--train", f"--optimizer={optimizer}"], check=True)
    run = subprocess.run([program, "--train", "--data", data, "--steps", str(args.steps),
                          "--lr", str(args.lr), "--threads", "1"],
                         check=True, capture_output=True, text=True)
    return [float(m) for m in re.findall(r"loss ([-0-9.e+naif]+)", run.stdout)]


def torch_losses(args, kind, model, names, stream):
    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=BETAS, eps=EPS,
                                  weight_decay=DECAY)
    losses = []
    for step in range(1, args.steps + 1):
        rows = windows(stream, step)
        ids = rows[:, :SEQUENCE]
        if kind == "gpt2":
            loss = model(**dict(zip(names, feeds(names, ids))), labels=ids).loss
        else:
            logits = model(**dict(zip(names, feeds(names, ids)))).logits
            loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB),
                                                     rows[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--model", choices=["gpt2", "bert"], action="append")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--tolerance", type=float, default=0.01)
    parser.add_argument("--lr", type=float, default=1e-3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.work, exist_ok=True)
    # Text-like bytes (random sentences of a few words), which a model learns
    # from in a few steps, so that the curves fall; long enough that no
    # step's windows repeat.
    rng = np.random.default_rng(0)
    words = [b"the", b"model", b"learns", b"a", b"tensor", b"moves", b"to", b"host", b"memory"]
    text = b""
    while len(text) < BATCH * SEQUENCE * args.steps + 1:
        text += b" ".join(words[i] for i in rng.integers(0, len(words), 6)) + b".\n"
    stream = np.frombuffer(text, np.uint8).astype(np.uint16)
    data = os.path.join(args.work, "tokens.bin")
    stream.tofile(data)
    failed = False
    for kind in args.model or ["gpt2", "bert"]:
        model, names = build(kind)
        ours = strata_losses(args, kind, model, names, data)
        theirs = torch_losses(args, kind, model, names, stream)
        worst = 0.0
        print(f"{kind}: step, Strata loss, PyTorch loss, relative difference")
        for step, (a, b) in enumerate(zip(ours, theirs), 1):
            difference = abs(a - b) / abs(b)
            worst = max(worst, difference)
            print(f"  {step:4d} {a:.6f} {b:.6f} {difference:.2e}")
        if len(ours) != args.steps or not worst <= args.tolerance:
            print(f"{kind}: FAILED: worst relative difference {worst:.3g}, "
                  f"{len(ours)} of {args.steps} steps")
            failed = True
        else:
            print(f"{kind}: {args.steps} steps within {args.tolerance} "
                  f"(worst {worst:.2e})")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
