#!/usr/bin/env python3
"""The PyTorch peer of RelaxCert's training and certification benchmarks (issue 18).

Measurement only: RelaxCert never imports or needs this file. It runs, in PyTorch 1.13 (Debian's
python3-torch), the same workloads as bench/train.bench.ts and bench/certify-net.bench.ts, written
from the GloRo math of PAPER.md and from our engine (main/engine/model/network.ts, heads/):

  dense       dense-3x1000: 5 inputs, three dense layers of 1,000 units each followed by MinMax,
              a dense layer of 5 classes; affinity GloRo head (sets {0,1} {0,2} {1,3} {2,4},
              so k <= 2); batch 256.
  cnn         cnn-c2f2 on 32x32x3, 100 classes: conv 3x3 32 'same', MinMax, 2x2 invertible
              downsampling, conv 3x3 64 'same', MinMax, downsampling, dense 256, MinMax,
              dense 256, MinMax, dense 100; standard GloRo head; batch 256.
  cnn28       the same net on 28x28x1 with 10 classes (the Fashion-MNIST-sized epoch's step).
  certify     certification of dense-3x1000 (affinity sets above, eps = 0.01): the logits of
              100,000 points plus each point's margins per allowed k and its loosest certified k,
              with the Lipschitz matrix given (RelaxCert also computes its proven bounds once per
              network and times them apart).

Every training step does what makeTrainStep does: 2 power iterations on every hidden linear
layer (dense: u <- normalize((u W) W^T); conv: u <- normalize(conv^T(conv(u)))), iterates kept
between batches and no gradient through them; the forward pass; the per-layer estimates ||A u||
(differentiable in the weights) whose product times ||w_j - w_i|| of the last layer gives K; the
GloRo head; softmax cross-entropy over the C + 1 outputs; backward; Adam (lr 1e-4, eps 1e-7).
MinMax pairs the first half of the channels with the second half, as ours does.

Layout: PyTorch's own (NCHW for convolutions, nn.Linear's [out, in] weights), which is what a
PyTorch user would run; the arithmetic is the same. `--flops` prints the floating-point
operations of one step counted from this script's own layer shapes, by the rule of
bench/step-flops.ts, so that bench/pytorch/compare.ts can check both sides do the same work.

Usage: python3 bench/pytorch/reference.py dense|cnn|cnn28|certify [--steps N] [--warmup N]
       [--threads 2] [--points 100000] [--batch B] [--flops]
--threads sets torch.set_num_threads; Debian's torch runs its matrix products in the system
OpenBLAS, whose threads follow OPENBLAS_NUM_THREADS instead (default: every core), so the two
together decide how many threads PyTorch runs.
Prints lines `BENCH pytorch.<name> <value> <unit>`.
"""

import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F

POWER_ITERATIONS = 2
AFFINITY_SETS = [[0, 1], [0, 2], [1, 3], [2, 4]]
BIG = 1e9


def min_max(h):
    """(min(a, b), max(a, b)) of the first and second half of the channels (dim 1)."""
    a, b = torch.chunk(h, 2, dim=1)
    return torch.cat([torch.minimum(a, b), torch.maximum(a, b)], dim=1)


class Linear:
    """One dense or conv layer with its weight, bias and persistent power-iteration iterate."""

    def __init__(self, kind, shape, in_shape, gen):
        self.kind = kind
        if kind == "dense":
            units, fan_in = shape
            fan_out = units
        else:
            cout, cin, kh, kw = shape
            fan_in, fan_out = cin * kh * kw, cout
        std = 1 / (math.sqrt(fan_in) + math.sqrt(fan_out))
        self.w = (torch.randn(shape, generator=gen) * std).requires_grad_()
        self.b = torch.zeros(shape[0], requires_grad=True)
        u = torch.randn([1, *in_shape], generator=gen)
        self.u = u / u.norm()
        self.in_shape = in_shape

    def __call__(self, h):
        if self.kind == "dense":
            return F.linear(h, self.w, self.b)
        return F.conv2d(h, self.w, self.b, padding=1)

    def op(self, u, w):
        """The linear operator (no bias) on a batch of one."""
        return F.linear(u, w) if self.kind == "dense" else F.conv2d(u, w, padding=1)

    def op_t(self, v, w):
        return v @ w if self.kind == "dense" else F.conv_transpose2d(v, w, padding=1)

    def power_iterate(self, iterations):
        with torch.no_grad():
            u = self.u
            for _ in range(iterations):
                u = self.op_t(self.op(u, self.w), self.w)
                u = u / (u.norm() + 1e-12)
            self.u = u

    def norm_estimate(self):
        return self.op(self.u, self.w).norm()

    def macs_per_point(self):
        """Multiply-adds of the layer on one point (bench/step-flops.ts's count)."""
        if self.kind == "dense":
            return self.w.shape[0] * self.w.shape[1]
        cout, cin, kh, kw = self.w.shape
        _, h, w = self.in_shape  # 'same' padding, stride 1: the output is h x w
        return h * w * kh * kw * cin * cout


class Net:
    def __init__(self, arch, in_shape, classes, seed=1):
        gen = torch.Generator().manual_seed(seed)
        self.plan = []  # ('linear', Linear) | ('minmax',) | ('s2d',) | ('flatten',)
        self.linear = []
        shape = list(in_shape)  # [c, h, w] or [features]

        def add(kind, wshape):
            layer = Linear(kind, wshape, list(shape), gen)
            self.linear.append(layer)
            self.plan.append(("linear", layer))

        if arch == "dense-3x1000":
            for _ in range(3):
                add("dense", [1000, shape[0]])
                self.plan.append(("minmax",))
                shape = [1000]
        else:  # cnn-c2f2
            for width in (32, 64):
                add("conv", [width, shape[0], 3, 3])
                self.plan.append(("minmax",))
                self.plan.append(("s2d",))
                shape = [4 * width, shape[1] // 2, shape[2] // 2]
            self.plan.append(("flatten",))
            shape = [shape[0] * shape[1] * shape[2]]
            for _ in range(2):
                add("dense", [256, shape[0]])
                self.plan.append(("minmax",))
                shape = [256]
        add("dense", [classes, shape[0]])

    def params(self):
        return [p for layer in self.linear for p in (layer.w, layer.b)]

    def forward(self, x):
        h = x
        for step in self.plan:
            if step[0] == "linear":
                h = step[1](h)
            elif step[0] == "minmax":
                h = min_max(h)
            elif step[0] == "s2d":
                h = F.pixel_unshuffle(h, 2)  # 2x2 invertible downsampling
            else:
                h = h.flatten(1)
        return h

    def power_iterate(self, iterations):
        for layer in self.linear[:-1]:
            layer.power_iterate(iterations)

    def lipschitz_matrix(self):
        """K[j, i] = ||w_j - w_i|| * product of the hidden layers' estimates (differentiable)."""
        prefix = torch.ones(())
        for layer in self.linear[:-1]:
            prefix = prefix * layer.norm_estimate()
        w = self.linear[-1].w  # [C, in]: row i is w_i
        c = w.shape[0]
        sq = (w * w).sum(1)
        d2 = sq[:, None] + sq[None, :] - 2 * (w @ w.t())
        eye = torch.eye(c)
        return torch.sqrt(torch.relu(d2) + eye) * (1 - eye) * prefix

    def step_flops(self, batch, power_iterations):
        macs = 0
        for i, layer in enumerate(self.linear):
            per_point = layer.macs_per_point()
            macs += batch * per_point * (2 if i == 0 else 3)
            if i < len(self.linear) - 1:
                macs += per_point * (2 * power_iterations + 2)
        return 2 * macs


def margins(f, k_matrix, eps, k_max, sets):
    """m^k for k = 1..k_max (-inf where F^k fits in no affinity set): [k_max, n]."""
    n, c = f.shape
    top = f.topk(k_max, dim=1).indices  # [n, k_max], largest first
    member = None
    if sets:
        member = torch.zeros(len(sets), c, dtype=torch.bool)
        for s, cls in enumerate(sets):
            member[s, cls] = True
    out = []
    for k in range(1, k_max + 1):
        fk = top[:, :k]
        in_top = torch.zeros(n, c, dtype=torch.bool).scatter_(1, fk, True)
        # f_i + eps K_ji for every j in F^k and every i outside it.
        v = f[:, None, :] + eps * k_matrix[fk]  # [n, k, C]
        v = v.masked_fill(in_top[:, None, :], -math.inf)
        outside = v.max(dim=2).values
        if k == c:
            outside = torch.full_like(outside, -BIG)
        mk = (f.gather(1, fk) - outside).min(dim=1).values
        if member is not None and k > 1:
            fits = member[:, fk].all(dim=2).any(dim=0)  # [n]
            mk = mk.masked_fill(~fits, -math.inf)
        out.append(mk)
    return torch.stack(out)


def gloro_outputs(f, k_matrix, eps, k_max, sets):
    """g: the C logits and g_bot = max_i f_i - m (PAPER.md, Eq. 1, B1, B2)."""
    m = margins(f, k_matrix, eps, k_max, sets).max(dim=0).values
    return torch.cat([f, (f.max(dim=1).values - m)[:, None]], dim=1)


CASES = {
    "dense": dict(arch="dense-3x1000", shape=[5], classes=5, sets=AFFINITY_SETS, k_max=2),
    "cnn": dict(arch="cnn-c2f2", shape=[3, 32, 32], classes=100, sets=None, k_max=1),
    "cnn28": dict(arch="cnn-c2f2", shape=[1, 28, 28], classes=10, sets=None, k_max=1),
}


def train(case, steps, warmup, batch, flops_only):
    c = CASES[case]
    net = Net(c["arch"], c["shape"], c["classes"])
    flops = net.step_flops(batch, POWER_ITERATIONS)
    if flops_only:
        return {"case": case, "flops": flops}
    gen = torch.Generator().manual_seed(3)
    x = torch.randn([batch, *c["shape"]], generator=gen)
    y = torch.arange(batch) % c["classes"]
    adam = torch.optim.Adam(net.params(), lr=1e-4, eps=1e-7)

    def step():
        net.power_iterate(POWER_ITERATIONS)
        adam.zero_grad(set_to_none=True)
        f = net.forward(x)
        g = gloro_outputs(f, net.lipschitz_matrix(), 0.01, c["k_max"], c["sets"])
        loss = F.cross_entropy(g, y)
        loss.backward()
        adam.step()
        return loss.item()

    for _ in range(warmup):
        step()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    rate = steps * batch / seconds
    return {
        "case": case,
        "samples_per_second": rate,
        "gflops": flops * rate / batch / 1e9,
        "cpu_seconds": cpu,
        "seconds": seconds,
        "flops": flops,
    }


def certify(points, batch):
    c = CASES["dense"]
    net = Net(c["arch"], c["shape"], c["classes"], seed=2)
    gen = torch.Generator().manual_seed(4)
    x = torch.rand([points, 5], generator=gen) - 0.5
    with torch.no_grad():
        k_matrix = net.lipschitz_matrix()  # stands for the proven bounds, computed once

        def run(xs):
            # What reports keep per point: the prediction and its loosest certified k (0: ⊥).
            prediction = torch.empty(xs.shape[0], dtype=torch.long)
            loosest = torch.empty(xs.shape[0], dtype=torch.long)
            ks = torch.arange(1, c["k_max"] + 1)[:, None]
            for start in range(0, xs.shape[0], batch):
                f = net.forward(xs[start : start + batch])
                mk = margins(f, k_matrix, 0.01, c["k_max"], c["sets"])
                prediction[start : start + batch] = f.argmax(dim=1)
                loosest[start : start + batch] = ((mk > 0) * ks).max(dim=0).values
            return prediction, loosest

        run(x[: 2 * batch])  # warm-up
        t0 = time.perf_counter()
        run(x)
        seconds = time.perf_counter() - t0
    return {"case": "certify", "points_per_second": points / seconds, "seconds": seconds}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("case", choices=["dense", "cnn", "cnn28", "certify"])
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--warmup", type=int, default=None)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--points", type=int, default=100_000)
    p.add_argument("--batch", type=int, default=None)
    p.add_argument("--flops", action="store_true", help="print the FLOPs of one step and stop")
    p.add_argument("--json", action="store_true", help="one JSON line instead of BENCH lines")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.case == "certify":
        r = certify(a.points, a.batch or 4096)
    else:
        steps = a.steps or (12 if a.case == "dense" else 4)
        warmup = a.warmup if a.warmup is not None else (2 if a.case == "dense" else 1)
        r = train(a.case, steps, warmup, a.batch or 256, a.flops)
    # Debian's torch calls the system BLAS (OpenBLAS), whose own thread pool torch's thread
    # count does not set: OPENBLAS_NUM_THREADS does (default: every core).
    blas = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    r.update(torch=torch.__version__, threads=torch.get_num_threads(), openblas_threads=blas)
    if a.json:
        print(json.dumps(r))
        return
    if "flops" in r and "samples_per_second" not in r:
        print(f"BENCH pytorch.{a.case}.step-flops {r['flops']} FLOP")
    elif a.case == "certify":
        print(f"BENCH pytorch.certify.dense-3x1000 {r['points_per_second']:.0f} points/s")
    else:
        name = CASES[a.case]["arch"] + ("-28x28x1" if a.case == "cnn28" else "")
        print(f"BENCH pytorch.train.{name} {r['samples_per_second']:.0f} samples/s")
        print(f"BENCH pytorch.train.{name}.gflops {r['gflops']:.1f} GFLOP/s")
    print(f"# torch {r['torch']}, {r['threads']} threads, OPENBLAS_NUM_THREADS {blas}")


if __name__ == "__main__":
    main()
