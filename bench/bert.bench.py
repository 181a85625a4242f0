"""Baseline for bench/bert.bench.ts: the same BERT-base-sized encoder, randomly initialised, built from plain
torch.nn modules as transformers' BertModel computes it (eval mode, exact GELU, lowest-float key mask), encoding
the ids and masks the TypeScript side wrote, 16 texts per pass, [CLS] of the last layer.

usage: python3 bench/bert.bench.py INPUT.json   (prints one JSON line: seconds per repetition)
"""
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.query, self.key, self.value = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)

    def forward(self, x, key_mask):
        b, l, h = x.shape
        split = lambda t: t.view(b, l, self.heads, self.head_dim).permute(0, 2, 1, 3)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim) + key_mask
        return torch.matmul(scores.softmax(-1), v).permute(0, 2, 1, 3).contiguous().view(b, l, h)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h, eps = c["hidden_size"], c["layer_norm_eps"]
        self.attention = SelfAttention(h, c["num_attention_heads"])
        self.attention_dense, self.attention_norm = nn.Linear(h, h), nn.LayerNorm(h, eps=eps)
        self.intermediate = nn.Linear(h, c["intermediate_size"])
        self.output_dense, self.output_norm = nn.Linear(c["intermediate_size"], h), nn.LayerNorm(h, eps=eps)

    def forward(self, x, key_mask):
        attended = self.attention_norm(self.attention_dense(self.attention(x, key_mask)) + x)
        return self.output_norm(self.output_dense(F.gelu(self.intermediate(attended))) + attended)


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.word = nn.Embedding(c["vocab_size"], h)
        self.position = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type = nn.Embedding(c["type_vocab_size"], h)
        self.norm = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.layers = nn.ModuleList([Layer(c) for _ in range(c["num_hidden_layers"])])

    def forward(self, ids, mask):
        b, l = ids.shape
        positions = torch.arange(l)
        x = self.norm(self.word(ids) + self.position(positions) + self.token_type(torch.zeros_like(positions)))
        key_mask = ((1.0 - mask.to(x.dtype)) * torch.finfo(x.dtype).min).view(b, 1, 1, l)
        for layer in self.layers:
            x = layer(x, key_mask)
        return x


def main():
    spec = json.load(open(sys.argv[1]))
    torch.set_num_threads(spec["threads"])
    torch.manual_seed(0)
    model = Bert(spec["config"]).eval()
    ids = torch.tensor(spec["input_ids"], dtype=torch.int64)
    mask = torch.tensor(spec["attention_mask"], dtype=torch.int64)
    batch = spec["batch_size"]

    def encode():
        with torch.inference_mode():
            return torch.cat([model(ids[s:s + batch], mask[s:s + batch])[:, 0] for s in range(0, ids.shape[0], batch)])

    with torch.inference_mode():
        model(ids[:batch], mask[:batch])  # warm-up: first-call allocations and kernel selection
    seconds = []
    for _ in range(spec["repetitions"]):
        start = time.perf_counter()
        cls = encode()
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"seconds": seconds, "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "cls_shape": list(cls.shape)}))


if __name__ == "__main__":
    main()
