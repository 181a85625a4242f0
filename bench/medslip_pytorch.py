"""Baseline for `medslip bench`: the MeDSLIP training step and inference written the way the reference
PyTorch implementation computes them (Shef-AIRE/MeDSLIP models/model_MeDSLIP.py, as described in REFERENCE.md
section 3: ResNet-50 to layer3, linear mask, two MLP heads, shared query projection, 4+4 pre-norm DETR decoder
layers with a shared final LayerNorm, and the ProtoCL prototypes built in Python loops over batch x queries),
with random weights and random inputs of the real shapes. Run by medslip's bench with Debian's python3-torch:

    python3 bench/medslip_pytorch.py THREADS BATCH SIZE [ARCH D_MODEL LAYERS DROPOUT [DEVICE]]

(default resnet50 256 4 0.1 cpu) prints "ready", then times one training step or one inference batch for each
stdin line "train" or "infer" and prints {"wallMs", "cpuMs"}: medslip's bench alternates its own runs with these.
On a CUDA device each timing ends with torch.cuda.synchronize(), as medslip's does.

The model takes the backbone (resnet18 or resnet50), width, heads, layers, feed-forward and text widths as
arguments, and its state_dict keys are medslip's (PyTorch's) names, so bench/learning_parity.py trains it from a
medslip state dict (`medslip bench learning-parity`).
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + (self.downsample(x) if self.downsample is not None else x))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (self.downsample(x) if self.downsample is not None else x))


RESNETS = {"resnet18": (BasicBlock, [2, 2, 2]), "resnet50": (Bottleneck, [3, 4, 6])}


def resnet_to_layer3(arch="resnet50"):
    """torchvision's stem and layer1-3 as one Sequential (keys 0, 1, 4, 5, 6); returns it and its output channels."""
    block, counts = RESNETS[arch]
    layers, inplanes = [], 64
    for planes, blocks, stride in zip([64, 128, 256], counts, [1, 2, 2]):
        stage = []
        for b in range(blocks):
            down = None
            if b == 0 and (stride != 1 or inplanes != planes * block.expansion):
                down = nn.Sequential(nn.Conv2d(inplanes, planes * block.expansion, 1, stride, bias=False), nn.BatchNorm2d(planes * block.expansion))
            stage.append(block(inplanes, planes, stride if b == 0 else 1, down))
            inplanes = planes * block.expansion
        layers.append(nn.Sequential(*stage))
    return nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
                         nn.MaxPool2d(3, 2, 1), *layers), inplanes


class DecoderLayer(nn.Module):
    def __init__(self, d, heads, ff, dropout):
        super().__init__()
        self.self_attn = nn.MultiheadAttention(d, heads, dropout=dropout)
        self.multihead_attn = nn.MultiheadAttention(d, heads, dropout=dropout)
        self.linear1, self.linear2 = nn.Linear(d, ff), nn.Linear(ff, d)
        self.norm1, self.norm2, self.norm3 = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.dropout, self.dropout1, self.dropout2, self.dropout3 = (nn.Dropout(dropout) for _ in range(4))

    def forward(self, tgt, memory):
        t2 = self.norm1(tgt)
        tgt = tgt + self.dropout1(self.self_attn(t2, t2, t2)[0])
        t2, ws = self.multihead_attn(self.norm2(tgt), memory, memory)
        tgt = tgt + self.dropout2(t2)
        tgt = tgt + self.dropout3(self.linear2(self.dropout(F.relu(self.linear1(self.norm3(tgt))))))
        return tgt, ws


class Decoder(nn.Module):
    def __init__(self, n, d, heads, ff, dropout, norm):
        super().__init__()
        self.layers = nn.ModuleList(DecoderLayer(d, heads, ff, dropout) for _ in range(n))
        self.norm = norm

    def forward(self, tgt, memory):
        ws = []
        for layer in self.layers:
            tgt, w = layer(tgt, memory)
            ws.append(w)
        return self.norm(tgt), ws


class MeDSLIP(nn.Module):
    def __init__(self, arch="resnet50", d=256, heads=4, n=4, dropout=0.1, ff=1024, text_dim=768):
        super().__init__()
        self.d = d
        self.res_features, f = resnet_to_layer3(arch)
        self.mask_generator = nn.Linear(f, f)
        self.res_l1_pathology, self.res_l2_pathology = nn.Linear(f, f), nn.Linear(f, d)
        self.res_l1_anatomy, self.res_l2_anatomy = nn.Linear(f, f), nn.Linear(f, d)
        self.pathology_embedding_layer = nn.Linear(text_dim, d)
        norm = nn.LayerNorm(d)
        self.decoder_anatomy = Decoder(n, d, heads, ff, dropout, norm)
        self.decoder_pathology = Decoder(n, d, heads, ff, dropout, norm)
        self.dropout_feas_pathology, self.dropout_feas_anatomy = nn.Dropout(dropout), nn.Dropout(dropout)
        self.classifier_pathology, self.classifier_anatomy = nn.Linear(d, 2), nn.Linear(d, 2)
        self.cl_fc_pathology, self.cl_fc_anatomy = nn.Linear(d, text_dim), nn.Linear(d, text_dim)

    def encode(self, images):
        x = self.res_features(images)
        b, c = x.shape[:2]
        h = x.flatten(2).transpose(1, 2).reshape(-1, c)
        m = self.mask_generator(h)
        xp = self.res_l2_pathology(F.relu(self.res_l1_pathology(m * h))).view(b, -1, self.d).transpose(0, 1)
        xa = self.res_l2_anatomy(F.relu(self.res_l1_anatomy((1 - m) * h))).view(b, -1, self.d).transpose(0, 1)
        return xp, xa

    def decode(self, images, book_p, book_a):
        b = images.shape[0]
        xp, xa = self.encode(images)
        qp = self.pathology_embedding_layer(book_p).unsqueeze(1).repeat(1, b, 1)
        qa = self.pathology_embedding_layer(book_a).unsqueeze(1).repeat(1, b, 1)
        fa, wa = self.decoder_anatomy(qa, xa)
        fp, wp = self.decoder_pathology(qp, xp)
        return fp, fa, wp, wa

    def forward(self, images, book_p, book_a, label_p, label_a, matrix, index_p, index_a):
        ce_p, cl_p, ce_a, cl_a, ap = self.losses(images, book_p, book_a, label_p, label_a, matrix, index_p, index_a)
        return ce_p + ce_a + cl_p + cl_a + ap

    def losses(self, images, book_p, book_a, label_p, label_a, matrix, index_p, index_a):
        """The five terms: (ce_pathology, cl_pathology, ce_anatomy, cl_anatomy, ap)."""
        b = images.shape[0]
        fp, fa, _, _ = self.decode(images, book_p, book_a)
        ap_logits = torch.bmm(fa.transpose(0, 1), fp.transpose(0, 1).transpose(1, 2))
        mask = matrix >= 0
        loss_ap = F.binary_cross_entropy_with_logits(ap_logits[mask], matrix[mask].float())
        op, oa = self.dropout_feas_pathology(fp), self.dropout_feas_anatomy(fa)
        anatomy_query = book_a[index_p, :] * (index_p != -1).int().unsqueeze(-1)
        pathology_query = book_p[index_a, :] * (index_a != -1).int().unsqueeze(-1)
        m = matrix.clone()
        m[m < 1] = 0
        # The reference builds each positive prototype in Python loops over batch x queries.
        for i in range(b):
            for j in range(75):
                related = m[i, :, j] == 1
                if related.sum() > 0:
                    anatomy_query[i, j, 0, :] = book_a[related].mean(0)
            for a in range(51):
                related = m[i, a, :] == 1
                if related.sum() > 0:
                    pathology_query[i, a, 0, :] = book_p[related].mean(0)
        lp = (self.cl_fc_pathology(op.transpose(0, 1)).unsqueeze(2) * anatomy_query).sum(-1).reshape(-1, 8)
        la = (self.cl_fc_anatomy(oa.transpose(0, 1)).unsqueeze(2) * pathology_query).sum(-1).reshape(-1, 8)
        cl_p = lp[label_p.reshape(-1) == 1]
        cl_a = la[label_a.reshape(-1) == 1]
        loss_cl_p = F.cross_entropy(cl_p, torch.zeros(cl_p.shape[0], dtype=torch.long, device=cl_p.device))
        loss_cl_a = F.cross_entropy(cl_a, torch.zeros(cl_a.shape[0], dtype=torch.long, device=cl_a.device))
        xp = self.classifier_pathology(op).transpose(0, 1).reshape(-1, 2)
        xa = self.classifier_anatomy(oa).transpose(0, 1).reshape(-1, 2)
        lbp, lba = label_p.reshape(-1), label_a.reshape(-1)
        loss_ce_p = F.cross_entropy(xp[lbp != -1], lbp[lbp != -1].long())
        loss_ce_a = F.cross_entropy(xa[lba != -1], lba[lba != -1].long())
        return loss_ce_p, loss_cl_p, loss_ce_a, loss_cl_a, loss_ap


def timed(fn, device):
    """Runs fn once: wall and process CPU milliseconds (CPU time is steadier on a machine shared with others).
    On a GPU the clock stops once the device has run everything fn queued."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return {"wallMs": (time.perf_counter() - wall) * 1e3, "cpuMs": (time.process_time() - cpu) * 1e3}


def main():
    """Builds the model, prints "ready", then answers each stdin line "train" or "infer" with one JSON timing line,
    so that medslip's bench interleaves its own runs with these in the same minutes."""
    threads, batch, size = (int(v) for v in sys.argv[1:4])
    arch, d, layers, dropout = (sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7])) if len(sys.argv) > 7 else ("resnet50", 256, 4, 0.1)
    device = torch.device(sys.argv[8] if len(sys.argv) > 8 else "cpu")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = MeDSLIP(arch, d, 4, layers, dropout).to(device)
    book_p, book_a = torch.randn(75, 768).to(device), torch.randn(51, 768).to(device)
    images = torch.randn(batch, 3, size, size).to(device)
    matrix = torch.randint(-1, 2, (batch, 51, 75)).to(device)
    label_p, label_a = matrix.max(1).values, matrix.max(2).values

    def candidates(rows, book, labels):
        index = torch.randint(0, book, (batch, rows, 8)).to(device)
        index[:, :, 0][labels == 1] = -1
        return index

    index_p, index_a = candidates(75, 51, label_p), candidates(51, 75, label_a)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.02)

    def train_step():
        model.train()
        optimizer.zero_grad()
        model(images, book_p, book_a, label_p, label_a, matrix, index_p, index_a).backward()
        optimizer.step()

    def infer():
        model.eval()
        with torch.no_grad():
            fp, fa, _, _ = model.decode(images, book_p, book_a)
            model.classifier_pathology(fp), model.classifier_anatomy(fa)

    print("ready", flush=True)
    for line in sys.stdin:
        print(json.dumps(timed(train_step if line.strip() == "train" else infer, device)), flush=True)


if __name__ == "__main__":
    main()
