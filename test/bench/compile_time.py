"""Time to compile a GPT-2-small-sized model (12 layers, d_model 768, 12 heads,
vocabulary 50257; random weights, exported on the fly by PyTorch's torch.export-based
exporter at opset 18, never committed) for the CPU at batch 1, sequence 128.
Prints the export time, then stratac's wall time, peak RSS and output sizes;
asserts nothing. Needs torch and transformers (`tools/setup --export-deps`).

The export runs in a child process: a process's peak RSS survives fork and
exec, so stratac started by a process holding torch would report torch's.

  .venv-export/bin/python compile_time.py --stratac build/bin/stratac
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def export(path, layers, width, heads):
    """Writes the model to `path`; returns its parameter count."""
    import torch
    import transformers

    class LogitsOnly(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              use_cache=False).logits

    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=layers, n_embd=width, n_head=heads,
                                     vocab_size=50257, n_positions=1024)
    model = LogitsOnly(transformers.GPT2LMHeadModel(config).eval())
    ids = torch.zeros((1, 128), dtype=torch.int64)
    mask = torch.ones((1, 128), dtype=torch.int64)
    with torch.no_grad():
        torch.onnx.export(model, (ids, mask), path, input_names=["input_ids", "attention_mask"],
                          output_names=["logits"], opset_version=18, dynamo=True,
                          dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                        "attention_mask": {0: "batch", 1: "sequence"}})
    return sum(p.numel() for p in model.parameters())


def exported_bytes(work):
    """The export's size: the model and its external data file."""
    return sum(os.path.getsize(os.path.join(work, f)) for f in os.listdir(work)
               if f.startswith("gpt2.onnx"))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stratac", required=True)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--width", type=int, default=768)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--export-to", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_to:
        print(export(args.export_to, args.layers, args.width, args.heads))
        return
    with tempfile.TemporaryDirectory() as work:
        model = os.path.join(work, "gpt2.onnx")
        start = time.perf_counter()
        exporter = subprocess.run(
            [sys.executable, __file__, "--stratac", args.stratac, "--export-to", model,
             "--layers", str(args.layers), "--width", str(args.width), "--heads", str(args.heads)],
            check=True, stdout=subprocess.PIPE, text=True)
        params = int(exporter.stdout.split()[-1])
        print(f"exported {args.layers} layers, d_model {args.width}: {params / 1e6:.1f} M "
              f"parameters, {exported_bytes(work) / 2**20:.0f} MiB, "
              f"in {time.perf_counter() - start:.1f} s")
        exe = os.path.join(work, "out", "gpt2")
        start = time.perf_counter()
        # wait4 gives the compiler's own peak RSS (and that of what it waited
        # for: the linker), not that of other children of this process.
        compiler = subprocess.Popen([args.stratac, "compile", model, "-o", exe,
                                     "--shape", "input_ids=1x128",
                                     "--shape", "attention_mask=1x128"])
        _, status, usage = os.wait4(compiler.pid, 0)
        seconds = time.perf_counter() - start
        compiler.returncode = os.waitstatus_to_exitcode(status)
        if compiler.returncode != 0:
            raise SystemExit(f"stratac compile failed (exit {compiler.returncode})")
        peak = usage.ru_maxrss / 1024
        weights = os.path.getsize(exe + ".weights") / 2**20
        print(f"stratac compile (cpu, batch 1, sequence 128): {seconds:.2f} s wall, "
              f"peak RSS {peak:.0f} MiB ({peak / weights:.2f} x the weights); program "
              f"{os.path.getsize(exe) / 2**10:.0f} KiB, weights {weights:.0f} MiB "
              f"(targets: under 20 s on 2 cores, peak RSS under 1.5 x the weights)")


if __name__ == "__main__":
    main()
