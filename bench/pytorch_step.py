"""Reference: one CombinedTM training step in PyTorch, as the CTM library builds it.

V=2000, E=512, hidden (100, 100), K=50, batch 64, Adam(lr 2e-3, betas 0.99/0.99); one thread,
or as many as the first argument says (`all`: every core). Also times Adam's step alone (its
share of the step). Used by `pnpm bench` when /usr/bin/python3 can import torch; prints one JSON line.
"""
import json
import os
import sys
import time

import torch

from pytorch_ctm import CTM

threads = os.cpu_count() if len(sys.argv) > 1 and sys.argv[1] == 'all' else int(sys.argv[1]) if len(sys.argv) > 1 else 1
torch.set_num_threads(threads)
torch.manual_seed(0)
V, E, H, K, B = 2000, 512, 100, 50, 64


model = CTM(True, V, E, H, K)
opt = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.99, 0.99))
x = torch.zeros(8 * B, V)
idx = torch.randint(0, V, (8 * B, 30))
for i in range(8 * B):
    x[i].index_add_(0, idx[i], torch.ones(30))
e = torch.rand(8 * B, E) * 0.1 - 0.05


def step(i):
    s = (i % 8) * B
    opt.zero_grad()
    xb, eb = x[s : s + B], e[s : s + B]
    loss = model.vae_loss(xb, *model(xb, eb)).sum()
    loss.backward()
    opt.step()


for i in range(10):
    step(i)
times = []
for r in range(5):
    t0 = time.perf_counter()
    for i in range(30):
        step(i)
    times.append((time.perf_counter() - t0) / 30 * 1000)
times.sort()
# Adam's share: its step alone, on the gradients the last step left
adam = []
for r in range(5):
    t0 = time.perf_counter()
    for i in range(30):
        opt.step()
    adam.append((time.perf_counter() - t0) / 30 * 1000)
adam.sort()
print(json.dumps({"msPerStep": times[len(times) // 2], "adamMs": adam[len(adam) // 2], "threads": threads, "torch": torch.__version__}))
