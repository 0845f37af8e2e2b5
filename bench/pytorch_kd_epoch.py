"""Reference: one knowledge-distillation epoch in PyTorch, as the paper's code runs it.

M10-shaped synthetic data (8,355 documents, V=1696, E=512), batch 64, one thread.
Teacher: CombinedTM, hidden (100, 100), K=20, frozen (eval mode, no gradients), run on
every batch as the paper's code does. Student: ZeroShotTM, hidden (100, 100), K=20.
Loss = (1 - a)(RL + KL) + a(W2(student, teacher) + T^2 CE(softmax(t/T), softmax(s/T))),
a = 0.8, T = 4 (the paper's M10 K=20 setting). Adam(lr 2e-3, betas 0.99/0.99).
Used by `pnpm bench` when /usr/bin/python3 can import torch; prints one JSON line.
"""
import json
import time

import torch
import torch.nn.functional as F

from pytorch_ctm import CTM

torch.set_num_threads(1)
torch.manual_seed(0)
N, V, E, H, K, B = 8355, 1696, 512, 100, 20, 64
ALPHA, T = 0.8, 4.0


teacher = CTM(True, V, E, H, K).eval()
for p in teacher.parameters():
    p.requires_grad_(False)
student = CTM(False, V, E, H, K)
opt = torch.optim.Adam(student.parameters(), lr=2e-3, betas=(0.99, 0.99))
x = torch.zeros(N, V)
idx = torch.randint(0, V, (N, 8))
for i in range(N):
    x[i].index_add_(0, idx[i], torch.ones(8))
e = torch.rand(N, E) * 0.1 - 0.05


def epoch():
    perm = torch.randperm(N)
    student.train()
    for s in range(0, N, B):
        rows = perm[s : s + B]
        xb, eb = x[rows], e[rows]
        with torch.no_grad():
            tmu, tlv, tlogits = teacher(xb, eb)
        opt.zero_grad()
        mu, lv, logits = student(xb, eb)
        vae = student.vae_loss(xb, mu, lv, logits)
        w2 = ((mu - tmu) ** 2).sum(1) + ((torch.exp(0.5 * lv) - torch.exp(0.5 * tlv)) ** 2).sum(1)
        ce = -(F.softmax(tlogits / T, dim=1) * torch.log(F.softmax(logits / T, dim=1) + 1e-10)).sum(1) * T * T
        loss = ((1 - ALPHA) * vae + ALPHA * (w2 + ce)).sum()
        loss.backward()
        opt.step()


epoch()  # warm-up
times = []
for r in range(3):
    t0 = time.perf_counter()
    epoch()
    times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"secondsPerEpoch": times[1], "documents": N, "torch": torch.__version__}))
