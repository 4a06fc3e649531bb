"""Training throughput: the byte-level GPT of examples/ (4 layers, d_model 128,
context 256, 858,880 parameters) trained by the program `stratac compile
--train` writes and by PyTorch eager (the model's own torch code, with
scaled_dot_product_attention) at the same batch, the same AdamW (betas 0.9,
0.95, weight decay 0.1, clipping at 1) and the same thread count; prints
tokens per second, the ratio (above 1.0x: Strata is faster) and each side's
peak resident memory (the program's --report; the torch process's, with
torch's own libraries). Both start from the same random weights (the torch
model's, exported with the dynamo exporter; not committed). With
--parity-steps N it also prints the loss curves of the GPT-style and
BERT-style test architectures over N steps against torch.optim.AdamW
(check_training_parity.py). Each row runs at one precision: f32 on both
sides, or bf16: Strata's program compiled with --matmul-precision=bf16
against PyTorch under torch.autocast(bfloat16) (matrix products in bf16 on
both sides). Prints figures; asserts nothing.

  .venv-export/bin/python train.py --stratac build/bin/stratac \\
      [--threads 1 2] [--precisions f32 bf16] [--batch 8] [--steps 20]
      [--parity-steps 200]
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "examples"))
from train_byte_gpt import ByteGPT, Config  # noqa: E402

OPTIMIZER = "adamw:beta1=0.9,beta2=0.95,eps=1e-8,weight_decay=0.1,clip=1"
LR = 2e-3


def text_stream(tokens):
    rng = np.random.default_rng(0)
    words = [b"and", b"God", b"said", b"let", b"there", b"be", b"light", b"the", b"earth"]
    text = b""
    while len(text) < tokens:
        text += b" ".join(words[i] for i in rng.integers(0, len(words), 8)) + b".\n"
    return np.frombuffer(text, np.uint8).astype(np.uint16)


class Logits(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, ids):
        return self.model(ids)


def torch_worker(args):
    """Trains in this process (a subprocess of the bench, for its peak memory)."""
    torch.set_num_threads(args.threads[0])
    torch.manual_seed(0)
    model = ByteGPT(Config())
    stream = torch.from_numpy(np.fromfile(args.data, np.uint16).astype(np.int64))
    optimizer = torch.optim.AdamW(model.parameters(), lr=LR, betas=(0.9, 0.95), eps=1e-8,
                                  weight_decay=0.1)
    context = Config().context
    times = []
    for step in range(args.steps):
        starts = [(step * args.batch + b) * context for b in range(args.batch)]
        ids = torch.stack([stream[s:s + context] for s in starts])
        begin = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            logits = model(ids)
        loss = F.cross_entropy(logits[:, :-1].float().reshape(-1, 256), ids[:, 1:].reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        times.append(time.perf_counter() - begin)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch ms per step {np.median(times[2:]) * 1000:.3f} loss {loss.item():.4f} "
          f"peak {peak:.1f} MiB")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--parity-steps", type=int, default=0)
    parser.add_argument("--torch-worker", action="store_true")
    parser.add_argument("--data")
    parser.add_argument("--precisions", nargs="+", default=["f32", "bf16"],
                        help="f32: both in f32; bf16: Strata with --matmul-precision=bf16 "
                             "against PyTorch under torch.autocast(bfloat16)")
    parser.add_argument("--precision", default="f32", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.torch_worker:
        return torch_worker(args)
    context = Config().context
    with tempfile.TemporaryDirectory() as work:
        torch.manual_seed(0)
        model = ByteGPT(Config()).eval()
        path = os.path.join(work, "byte_gpt.onnx")
        with torch.no_grad():
            program = torch.onnx.export(Logits(model), (torch.zeros(args.batch, context,
                                                                    dtype=torch.int64),),
                                        dynamo=True, opset_version=18, input_names=["input_ids"],
                                        output_names=["logits"], external_data=False,
                                        verbose=False)
        program.save(path, external_data=False)
        data = os.path.join(work, "tokens.bin")
        text_stream(args.batch * context * (args.steps + 1) + 1).tofile(data)
        tokens = args.batch * context
        print(f"{'precision':>9} {'threads':>7} {'strata tok/s':>13} {'torch tok/s':>12} "
              f"{'strata/torch':>13} {'strata MiB':>11} {'torch MiB':>10}")
        for precision in args.precisions:
            exe = os.path.join(work, "train-" + precision)
            start = time.perf_counter()
            subprocess.run([args.stratac, "compile", path, "-o", exe, "--shape",
                            f"input_ids={args.batch}x{context}", "--train",
                            "--loss=cross_entropy:logits,input_ids,shift",
                            f"--optimizer={OPTIMIZER}", f"--matmul-precision={precision}"],
                           check=True)
            print(f"compiled the {precision} training program in "
                  f"{time.perf_counter() - start:.1f} s; batch {args.batch} x {context} tokens",
                  flush=True)
            for threads in args.threads:
                out = subprocess.run([exe, "--train", "--data", data, "--steps", str(args.steps),
                                      "--lr", str(LR), "--threads", str(threads), "--report"],
                                     check=True, capture_output=True, text=True).stdout
                ms = [float(m) for m in re.findall(r", ([0-9.]+) ms", out)]
                strata_ms = float(np.median(ms[2:]))
                strata_peak = float(re.search(r"resident memory peak ([0-9.]+) MiB", out).group(1))
                out = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-worker",
                                      "--threads", str(threads), "--batch", str(args.batch),
                                      "--steps", str(args.steps), "--data", data,
                                      "--precision", precision],
                                     check=True, capture_output=True, text=True).stdout
                torch_ms = float(re.search(r"ms per step ([0-9.]+)", out).group(1))
                torch_peak = float(re.search(r"peak ([0-9.]+) MiB", out).group(1))
                print(f"{precision:>9} {threads:>7} {tokens / strata_ms * 1000:>13.0f} "
                      f"{tokens / torch_ms * 1000:>12.0f} {torch_ms / strata_ms:>12.2f}x "
                      f"{strata_peak:>11.0f} {torch_peak:>10.0f}", flush=True)
    if args.parity_steps:
        with tempfile.TemporaryDirectory() as work:
            subprocess.run([sys.executable, os.path.join(ROOT, "test", "training",
                                                         "check_training_parity.py"),
                            "--stratac", args.stratac, "--work", work, "--steps",
                            str(args.parity_steps)], check=False)


if __name__ == "__main__":
    main()
