"""Reference: one CombinedTM training step in PyTorch, as the CTM library builds it.

V=2000, E=512, hidden (100, 100), K=50, batch 64, Adam(lr 2e-3, betas 0.99/0.99), one thread.
Used by `pnpm bench` when /usr/bin/python3 can import torch; prints one JSON line.
"""
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)
V, E, H, K, B = 2000, 512, 100, 50, 64


class CombinedTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.adapt_bert = nn.Linear(E, V)
        self.input_layer = nn.Linear(2 * V, H)
        self.hidden = nn.Linear(H, H)
        self.f_mu = nn.Linear(H, K)
        self.f_mu_bn = nn.BatchNorm1d(K, affine=False)
        self.f_sigma = nn.Linear(H, K)
        self.f_sigma_bn = nn.BatchNorm1d(K, affine=False)
        self.drop = nn.Dropout(0.2)
        self.prior_mean = nn.Parameter(torch.zeros(K))
        self.prior_variance = nn.Parameter(torch.full((K,), 1.0 - 1.0 / K))
        self.beta = nn.Parameter(torch.empty(K, V))
        nn.init.xavier_uniform_(self.beta)
        self.beta_bn = nn.BatchNorm1d(V, affine=False)

    def forward(self, x, e):
        h = torch.cat((x, self.adapt_bert(e)), 1)
        h = F.softplus(self.input_layer(h))
        h = F.softplus(self.hidden(h))
        h = self.drop(h)
        mu = self.f_mu_bn(self.f_mu(h))
        logvar = self.f_sigma_bn(self.f_sigma(h))
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        theta = self.drop(F.softmax(z, dim=1))
        word_dist = F.softmax(self.beta_bn(theta @ self.beta), dim=1)
        pv = self.prior_variance
        kl = 0.5 * ((torch.exp(logvar) / pv).sum(1) + ((self.prior_mean - mu) ** 2 / pv).sum(1) - K + pv.log().sum() - logvar.sum(1))
        rl = -(x * torch.log(word_dist + 1e-10)).sum(1)
        return (kl + rl).sum()


model = CombinedTM()
opt = torch.optim.Adam(model.parameters(), lr=2e-3, betas=(0.99, 0.99))
x = torch.zeros(8 * B, V)
idx = torch.randint(0, V, (8 * B, 30))
for i in range(8 * B):
    x[i].index_add_(0, idx[i], torch.ones(30))
e = torch.rand(8 * B, E) * 0.1 - 0.05


def step(i):
    s = (i % 8) * B
    opt.zero_grad()
    loss = model(x[s : s + B], e[s : s + B])
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
print(json.dumps({"msPerStep": times[len(times) // 2], "torch": torch.__version__}))
