"""Trains and exports the embedded default model: a small byte-level GPT on the King James Bible.

The model is a GPT-2-style decoder over bytes (vocabulary 256) written in plain torch: token
and learned position embeddings, pre-LayerNorm blocks with causal multi-head self-attention
and a GELU MLP, a final LayerNorm and an LM head tied to the token embedding.

The text is the King James Bible of Debian's `bible-kjv` package (public domain), one verse
per line with the reference prefix ("Ge1:1 ") stripped. Every 20th block of 16 KiB is held
out for validation.

Three modes, all run from the repository root with `.venv-export/bin/python`
(`tools/setup --export-deps` creates it and installs `bible-kjv`):

    examples/train_byte_gpt.py --prepare            # write .cache/kjv.txt with `bible`
    examples/train_byte_gpt.py --out DIR [--steps N | --time-budget S]
                                                    # train, write DIR/byte_gpt.pt
    examples/train_byte_gpt.py --export STATE.pt    # write examples/byte-gpt.onnx and
                                                    # examples/prompt.npy, check with
                                                    # onnxruntime against torch

Training uses CUDA when available (bf16 autocast), else the CPU. The seed is fixed; GPU
kernels are not bit-reproducible, so a retrained model is close but not identical.
`--time-budget` measures the step time after a short warm-up and sets the step count (and
so the learning-rate schedule) to fit the budget; `--steps` fixes it.

The exported ONNX (TorchScript exporter, opset 17) carries a KV cache with Hugging Face
names: inputs `input_ids` int64 [batch, sequence] and `past_key_values.{i}.key|value`
float32 [batch, heads, past_sequence, head_dim]; outputs `logits` float32
[batch, sequence, 256] and `present.{i}.key|value` [batch, heads, total_sequence, head_dim].
Positions past_sequence .. past_sequence+sequence-1 come from the past tensors' shape, so
the first step passes past tensors with past_sequence = 0.
"""

import argparse
import dataclasses
import math
import pathlib
import sys
import time

import torch
import torch.nn.functional as F
from kjv_text import prepare, split
from torch import nn

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_TEXT = ROOT / ".cache" / "kjv.txt"
DEFAULT_ONNX = ROOT / "examples" / "byte-gpt.onnx"
DEFAULT_PROMPT = ROOT / "examples" / "prompt.npy"
PROMPT = "And God said"
SEED = 1611


@dataclasses.dataclass
class Config:
    vocab: int = 256
    context: int = 256
    layers: int = 4
    d_model: int = 128
    heads: int = 4

    @property
    def head_dim(self) -> int:
        return self.d_model // self.heads


# ----------------------------------------------------------------------------- model


class Attention(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.heads = cfg.heads
        self.head_dim = cfg.head_dim
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)

    def forward(self, x, past_k=None, past_v=None, mask=None):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        # [b, t, d] -> [b, heads, t, head_dim]
        q = q.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = k.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = v.reshape(b, t, self.heads, self.head_dim).transpose(1, 2)
        if past_k is None:
            # Training and plain evaluation: fused causal attention.
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            # Cached decoding (and the ONNX export): explicit attention over past + new keys.
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
            scores = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(self.head_dim))
            scores = scores.masked_fill(mask, -1e9)
            y = torch.matmul(torch.softmax(scores, dim=-1), v)
        y = y.transpose(1, 2).reshape(b, t, d)
        return self.proj(y), k, v


class Block(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model)
        self.fc_proj = nn.Linear(4 * cfg.d_model, cfg.d_model)

    def forward(self, x, past_k=None, past_v=None, mask=None):
        a, k, v = self.attn(self.ln1(x), past_k, past_v, mask)
        x = x + a
        x = x + self.fc_proj(F.gelu(self.fc(self.ln2(x))))
        return x, k, v


class ByteGPT(nn.Module):
    def __init__(self, cfg: Config):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab, cfg.d_model)
        self.wpe = nn.Embedding(cfg.context, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.layers))
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.apply(self._init)
        for name, p in self.named_parameters():  # GPT-2's scaled residual projections
            if name.endswith("attn.proj.weight") or name.endswith("fc_proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.layers))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def head(self, x):
        return torch.matmul(self.ln_f(x), self.wte.weight.t())

    def forward(self, ids):
        """Logits [b, t, 256] of a sequence without cache (training)."""
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t, device=ids.device))
        for blk in self.blocks:
            x, _, _ = blk(x)
        return self.head(x)

    def forward_cached(self, ids, past):
        """Logits and the present (key, value) of every layer, given the past ones."""
        t = ids.shape[1]
        past_len = past[0][0].shape[2]
        pos = torch.arange(past_len, past_len + t, device=ids.device)  # [t]
        keys = torch.arange(0, past_len + t, device=ids.device)  # [total]
        mask = keys.unsqueeze(0) > pos.unsqueeze(1)  # [t, total]: True = masked out
        x = self.wte(ids) + self.wpe(pos)
        present = []
        for blk, (pk, pv) in zip(self.blocks, past):
            x, k, v = blk(x, pk, pv, mask)
            present.append((k, v))
        return self.head(x), present


class ExportWrapper(nn.Module):
    """Flat-argument form of ByteGPT.forward_cached for the ONNX exporter."""

    def __init__(self, model: ByteGPT):
        super().__init__()
        self.model = model

    def forward(self, input_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(len(past_flat) // 2)]
        logits, present = self.model.forward_cached(input_ids, past)
        out = [logits]
        for k, v in present:
            out += [k, v]
        return tuple(out)


# ----------------------------------------------------------------------------- data


def load_splits(path: pathlib.Path) -> tuple[torch.Tensor, torch.Tensor]:
    train, val = split(path.read_bytes())
    return (torch.frombuffer(bytearray(train), dtype=torch.uint8),
            torch.frombuffer(bytearray(val), dtype=torch.uint8))


def batch(data, n, ctx, gen):
    starts = torch.randint(0, data.numel() - ctx - 1, (n,), generator=gen, device=data.device)
    idx = starts.unsqueeze(1) + torch.arange(ctx + 1, device=data.device)
    chunk = data[idx].long()
    return chunk[:, :-1], chunk[:, 1:]


# ----------------------------------------------------------------------------- training


def train(args) -> None:
    torch.manual_seed(SEED)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if dev.type == "cpu":
        torch.set_num_threads(args.threads)
    else:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    cfg = Config()
    train_data, val_data = load_splits(args.text)
    train_data, val_data = train_data.to(dev), val_data.to(dev)
    print(f"device {dev} ({torch.cuda.get_device_name() if dev.type == 'cuda' else 'cpu'}), "
          f"torch {torch.__version__}; train {train_data.numel()} bytes, "
          f"val {val_data.numel()} bytes", flush=True)

    model = ByteGPT(cfg).to(dev)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model {cfg}: {n_params} parameters", flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=args.lr, betas=(0.9, 0.95), fused=dev.type == "cuda")
    gen = torch.Generator(device=dev)
    gen.manual_seed(SEED)
    val_gen = torch.Generator(device=dev)
    amp = torch.autocast(dev.type, dtype=torch.bfloat16, enabled=dev.type == "cuda")

    def lr_at(step, total):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        frac = (step - args.warmup) / max(1, total - args.warmup)
        return args.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))

    @torch.no_grad()
    def evaluate(data):
        """Mean loss over the same eval_batches random windows of `data` every time."""
        model.eval()
        val_gen.manual_seed(SEED + 1)
        losses = []
        for _ in range(args.eval_batches):
            x, y = batch(data, args.batch, cfg.context, val_gen)
            with amp:
                logits = model(x)
            losses.append(F.cross_entropy(logits.float().reshape(-1, cfg.vocab), y.reshape(-1)))
        model.train()
        return torch.stack(losses).mean().item()

    def save(step, train_loss, val_loss):
        args.out.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().float().cpu() for k, v in model.state_dict().items()}
        torch.save({"config": dataclasses.asdict(cfg), "state_dict": state, "step": step,
                    "train_loss": train_loss, "val_loss": val_loss}, args.out / "byte_gpt.pt")

    total = args.steps
    start = time.time()
    timed_from = None
    for step in range(10**9):
        if step == args.measure_from:
            if dev.type == "cuda":
                torch.cuda.synchronize()
            timed_from = time.time()
        if args.time_budget and step == args.measure_from + args.measure_steps:
            if dev.type == "cuda":
                torch.cuda.synchronize()
            per_step = (time.time() - timed_from) / args.measure_steps
            # Evaluation costs about 2 * eval_batches forward passes every eval_every steps.
            per_step *= 1 + 2 * args.eval_batches / (3 * args.eval_every)
            remaining = args.time_budget - (time.time() - start)
            total = (step + int(remaining / per_step)) // 100 * 100
            print(f"{per_step * 1000:.1f} ms/step: training for {total} steps", flush=True)
        if step >= total:
            break
        for group in opt.param_groups:
            group["lr"] = lr_at(step, total)
        x, y = batch(train_data, args.batch, cfg.context, gen)
        with amp:
            logits = model(x)
        loss = F.cross_entropy(logits.float().reshape(-1, cfg.vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if (step + 1) % args.eval_every == 0 or step + 1 == total:
            tr, val = evaluate(train_data), evaluate(val_data)
            print(f"step {step + 1:6d}  train {tr:.4f}  val {val:.4f}  lr {lr_at(step, total):.2e}"
                  f"  {time.time() - start:6.1f} s", flush=True)
            save(step + 1, tr, val)
    print(f"done: {total} steps in {time.time() - start:.1f} s", flush=True)


# ----------------------------------------------------------------------------- export


def load_model(path: pathlib.Path) -> ByteGPT:
    ckpt = torch.load(path, map_location="cpu")
    model = ByteGPT(Config(**ckpt["config"]))
    model.load_state_dict(ckpt["state_dict"])
    print(f"loaded {path}: step {ckpt['step']}, train loss {ckpt['train_loss']:.4f}, "
          f"val loss {ckpt['val_loss']:.4f}")
    return model.eval()


def io_names(cfg: Config):
    past = [f"past_key_values.{i}.{kv}" for i in range(cfg.layers) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(cfg.layers) for kv in ("key", "value")]
    return past, present


def random_inputs(cfg: Config, b: int, t: int, past: int, gen: torch.Generator):
    ids = torch.randint(0, cfg.vocab, (b, t), generator=gen)
    pasts = [torch.randn(b, cfg.heads, past, cfg.head_dim, generator=gen)
             for _ in range(2 * cfg.layers)]
    return ids, pasts


def export(args) -> None:
    import numpy as np
    import onnx
    import onnxruntime

    torch.manual_seed(SEED)
    model = load_model(args.export)
    cfg = model.cfg
    wrapper = ExportWrapper(model).eval()
    past_names, present_names = io_names(cfg)
    gen = torch.Generator().manual_seed(SEED)
    # Example shapes differ from each other and from every model dimension.
    ids, pasts = random_inputs(cfg, 3, 7, 5, gen)
    dynamic_axes = {"input_ids": {0: "batch", 1: "sequence"},
                    "logits": {0: "batch", 1: "sequence"}}
    dynamic_axes.update({n: {0: "batch", 2: "past_sequence"} for n in past_names})
    dynamic_axes.update({n: {0: "batch", 2: "total_sequence"} for n in present_names})
    args.onnx.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(wrapper, (ids, *pasts), str(args.onnx), dynamo=False,
                          opset_version=17, input_names=["input_ids", *past_names],
                          output_names=["logits", *present_names], dynamic_axes=dynamic_axes,
                          do_constant_folding=True)
    onnx_model = onnx.load(str(args.onnx))
    onnx.checker.check_model(onnx_model)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.onnx}: {args.onnx.stat().st_size} bytes, {n_params} parameters, "
          f"ops {sorted({n.op_type for n in onnx_model.graph.node})}")
    for v in [*onnx_model.graph.input, *onnx_model.graph.output]:
        dims = [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
        print(f"  {v.name}: {onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type)} {dims}")

    # Check onnxruntime against torch on other shapes than the export example, with and
    # without a past, and the cached path against the plain (fused-attention) forward.
    sess = onnxruntime.InferenceSession(str(args.onnx), providers=["CPUExecutionProvider"])
    worst = 0.0
    for b, t, past in [(2, 6, 0), (1, 1, 0), (2, 6, 9), (1, 1, 17), (1, 12, 0)]:
        ids, pasts = random_inputs(cfg, b, t, past, gen)
        with torch.no_grad():
            want = [o.numpy() for o in wrapper(ids, *pasts)]
        feeds = {"input_ids": ids.numpy(), **{n: p.numpy() for n, p in zip(past_names, pasts)}}
        got = sess.run(None, feeds)
        err = max(float(np.abs(g - w).max()) for g, w in zip(got, want))
        worst = max(worst, err)
        print(f"  batch {b}, sequence {t}, past_sequence {past}: max abs error {err:.2e}")
        if past == 0:
            with torch.no_grad():
                plain = model(ids).numpy()
            print(f"    cached vs plain torch forward: {float(np.abs(plain - want[0]).max()):.2e}")
    # A whole sequence at once against its first 5 bytes, then the other 7 with the cache.
    ids, pasts = random_inputs(cfg, 2, 12, 0, gen)
    feeds = {"input_ids": ids.numpy(), **{n: p.numpy() for n, p in zip(past_names, pasts)}}
    whole = sess.run(None, feeds)[0]
    first = sess.run(None, {**feeds, "input_ids": ids[:, :5].numpy()})
    rest = sess.run(None, {"input_ids": ids[:, 5:].numpy(), **dict(zip(past_names, first[1:]))})
    err = float(np.abs(np.concatenate([first[0], rest[0]], axis=1) - whole).max())
    worst = max(worst, err)
    print(f"  onnxruntime, 12 bytes at once vs 5 then 7 with the cache: max abs error {err:.2e}")
    if worst > 1e-3:
        sys.exit(f"onnxruntime differs from torch by {worst}")

    prompt = np.frombuffer(PROMPT.encode("ascii"), dtype=np.uint8).astype(np.int64)[None, :]
    np.save(args.prompt, prompt)
    print(f"wrote {args.prompt}: {prompt.tolist()} ({PROMPT!r})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--prepare", action="store_true", help="write --text from `bible`")
    ap.add_argument("--export", type=pathlib.Path, metavar="STATE",
                    help="export this state dict to ONNX instead of training")
    ap.add_argument("--text", type=pathlib.Path, default=DEFAULT_TEXT)
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / ".cache" / "byte-gpt")
    ap.add_argument("--onnx", type=pathlib.Path, default=DEFAULT_ONNX)
    ap.add_argument("--prompt", type=pathlib.Path, default=DEFAULT_PROMPT)
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--time-budget", type=float, default=0.0, metavar="SECONDS",
                    help="set --steps from the measured step time to fit this budget")
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--eval-batches", type=int, default=20)
    ap.add_argument("--measure-from", type=int, default=20)
    ap.add_argument("--measure-steps", type=int, default=50)
    ap.add_argument("--threads", type=int, default=1, help="CPU threads when training on CPU")
    args = ap.parse_args()
    if args.prepare:
        prepare(args.text)
    elif args.export:
        export(args)
    else:
        train(args)


if __name__ == "__main__":
    main()
