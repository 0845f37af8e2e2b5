"""The reference CTM model (CombinedTM / ZeroShotTM with the prodLDA decoder), as the CTM
library builds it, shared by the PyTorch reference benchmarks in this folder."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class CTM(nn.Module):
    def __init__(self, combined, V, E, H, K):
        super().__init__()
        self.combined, self.K = combined, K
        if combined:
            self.adapt_bert = nn.Linear(E, V)
        self.input_layer = nn.Linear(2 * V if combined else E, H)
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
        """Returns (mu, logvar, word logits)."""
        h = torch.cat((x, self.adapt_bert(e)), 1) if self.combined else e
        h = F.softplus(self.input_layer(h))
        h = F.softplus(self.hidden(h))
        h = self.drop(h)
        mu = self.f_mu_bn(self.f_mu(h))
        logvar = self.f_sigma_bn(self.f_sigma(h))
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        theta = self.drop(F.softmax(z, dim=1))
        return mu, logvar, self.beta_bn(theta @ self.beta)

    def vae_loss(self, x, mu, logvar, logits):
        """Per-document RL + KL, as the CTM library computes it."""
        pv = self.prior_variance
        kl = 0.5 * ((torch.exp(logvar) / pv).sum(1) + ((self.prior_mean - mu) ** 2 / pv).sum(1) - self.K + pv.log().sum() - logvar.sum(1))
        rl = -(x * torch.log(F.softmax(logits, dim=1) + 1e-10)).sum(1)
        return kl + rl
