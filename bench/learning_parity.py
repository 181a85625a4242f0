"""The PyTorch side of `medslip bench learning-parity`: trains bench/medslip_pytorch.py's MeDSLIP (the reference's
computation, ProtoCL prototypes in Python loops) from medslip's initial weights on the batches medslip trained on,
with the same AdamW parameter groups and the same learning rate at every step, and records the five loss terms of
every step. Run by medslip with Debian's python3-torch:

    python3 bench/learning_parity.py RUN_DIR OUT_JSON [--perturb SEED]

RUN_DIR (written by medslip) holds run.json (model settings, threads, weight decay, the lr of every step),
init.safetensors (medslip's freshly initialised state dict, PyTorch names), books.safetensors (pathology,
anatomy) and batches/step-NNN.safetensors (images, label_pathology, label_anatomy, matrix, index_pathology,
index_anatomy). OUT_JSON receives {"terms": [[ce_pathology, cl_pathology, ce_anatomy, cl_anatomy, ap, total], ...],
"secondsPerStep": ...}.

--perturb SEED moves every initial parameter by one float32 rounding step (x * (1 +- 2**-23), the sign drawn from
SEED): how far that alone carries the curve is the float32 noise growth the medslip-PyTorch difference is read
against.
"""
import json
import os
import struct
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from medslip_pytorch import MeDSLIP  # noqa: E402

DTYPES = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64, "I32": torch.int32, "I8": torch.int8,
          "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """name -> tensor (a minimal reader: 8-byte header length, JSON header, raw little-endian data)."""
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    start = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        raw = bytearray(data[start + begin:start + end])
        tensor = torch.frombuffer(raw, dtype=DTYPES[entry["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[entry["dtype"]])
        tensors[name] = tensor.reshape(entry["shape"])
    return tensors


def main():
    run_dir, out_json = sys.argv[1], sys.argv[2]
    perturb = int(sys.argv[sys.argv.index("--perturb") + 1]) if "--perturb" in sys.argv else None
    with open(os.path.join(run_dir, "run.json")) as f:
        run = json.load(f)
    torch.set_num_threads(run["threads"])
    m = run["model"]
    model = MeDSLIP(m["backbone"], m["dModel"], m["heads"], m["layers"], 0.0, m["feedForward"], m["textDim"])
    model.load_state_dict(read_safetensors(os.path.join(run_dir, "init.safetensors")), strict=True)
    if perturb is not None:
        generator = torch.Generator().manual_seed(perturb)
        with torch.no_grad():
            for p in model.parameters():
                sign = torch.randint(0, 2, p.shape, generator=generator).to(p.dtype).mul_(2).sub_(1)
                p.mul_(1 + sign * 2.0 ** -23)
    books = read_safetensors(os.path.join(run_dir, "books.safetensors"))
    book_p, book_a = books["pathology"], books["anatomy"]

    # The reference's groups: no weight decay on biases and 1-D parameters.
    named = list(model.named_parameters())
    no_decay = [p for n, p in named if p.ndim <= 1 or n.endswith(".bias")]
    decay = [p for n, p in named if not (p.ndim <= 1 or n.endswith(".bias"))]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": run["weightDecay"]},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=run["lrs"][0])
    model.train()
    terms, seconds = [], []
    for step, lr in enumerate(run["lrs"]):
        batch = read_safetensors(os.path.join(run_dir, "batches", f"step-{step:03d}.safetensors"))
        started = time.perf_counter()
        for group in optimizer.param_groups:
            group["lr"] = lr
        ce_p, cl_p, ce_a, cl_a, ap = model.losses(batch["images"], book_p, book_a, batch["label_pathology"],
                                                  batch["label_anatomy"], batch["matrix"], batch["index_pathology"],
                                                  batch["index_anatomy"])
        loss = ce_p + ce_a + cl_p + cl_a + ap
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        seconds.append(time.perf_counter() - started)
        terms.append([t.item() for t in (ce_p, cl_p, ce_a, cl_a, ap, loss)])
        print(f"pytorch{' (perturbed)' if perturb is not None else ''} step {step + 1}/{len(run['lrs'])}: loss {loss.item():.6f}",
              file=sys.stderr, flush=True)
    ordered = sorted(seconds[1:]) or seconds
    with open(out_json + ".tmp", "w") as f:
        json.dump({"terms": terms, "secondsPerStep": ordered[len(ordered) // 2]}, f)
    os.replace(out_json + ".tmp", out_json)


if __name__ == "__main__":
    main()
