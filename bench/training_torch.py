# PyTorch CPU anchor for bench/training.ts: the same architectures, data, batch sizes and thread count as our
# networks, one training epoch timed best-of-N. Run by bench/training.ts with Debian's /usr/bin/python3.
import json, sys, time
import numpy as np
import torch

spec = json.load(open(sys.argv[1]))
torch.set_num_threads(spec["threads"])
torch.manual_seed(0)
nn = torch.nn


def act(name):
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "elu": nn.ELU}[name]()


class Pfn(nn.Module):
    def __init__(self, f_in, phi, f):
        super().__init__()
        layers, w = [], f_in
        for u in phi:
            layers += [nn.Linear(w, u), nn.ReLU()]
            w = u
        self.phi = nn.Sequential(*layers)
        layers = []
        for u in f:
            layers += [nn.Linear(w, u), nn.ReLU()]
            w = u
        layers.append(nn.Linear(w, 1))
        self.f = nn.Sequential(*layers)

    def forward(self, x, m):
        return self.f((self.phi(x) * m.unsqueeze(2)).sum(1))


def build(case):
    if case["kind"] == "mlp":
        layers, w = [], case["rowShape"][0]
        for u in case["layers"]:
            layers += [nn.Linear(w, u), nn.ReLU()]
            w = u
        layers.append(nn.Linear(w, 1))
        return nn.Sequential(*layers)
    if case["kind"] == "cnn":
        layers, ch = [], case["rowShape"][2]
        for i, f in enumerate(case["filters"]):
            layers += [nn.Conv2d(ch, f, 3, padding=1), nn.ReLU()]
            if i < len(case["filters"]) - 1:
                layers.append(nn.MaxPool2d(2))
            ch = f
        layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        for u in case["dense"]:
            layers += [nn.Linear(ch, u), nn.ReLU()]
            ch = u
        layers.append(nn.Linear(ch, 1))
        return nn.Sequential(*layers)
    return Pfn(case["rowShape"][1], case["phi"], case["f"])


out = {}
for case in spec["cases"]:
    n = case["n"]
    x = torch.from_numpy(np.fromfile(case["x"], dtype=np.float32).reshape([n] + case["rowShape"]))
    if case["kind"] == "cnn":
        x = x.permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW, as torch convolutions want
    y = torch.from_numpy(np.fromfile(case["y"], dtype=np.float32).reshape(n, 1))
    m = torch.from_numpy(np.fromfile(case["mask"], dtype=np.float32).reshape(n, -1)) if case.get("mask") else None
    model = build(case)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    lossf = nn.BCEWithLogitsLoss()
    bs = case["batchSize"]
    best = best_cpu = float("inf")
    for rep in range(case["repeats"]):
        t = time.perf_counter()
        c = time.process_time()
        perm = torch.randperm(n)
        for s in range(0, n, bs):
            idx = perm[s:s + bs]
            opt.zero_grad()
            z = model(x[idx], m[idx]) if m is not None else model(x[idx])
            loss = lossf(z, y[idx])
            loss.backward()
            opt.step()
        best = min(best, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    out[case["name"]] = {"wall": best, "cpu": best_cpu}
print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epoch_s": out}))
