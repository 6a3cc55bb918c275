# Peer check for test/methods/nn.test.ts: rebuilds each saved network (core/methods/nn/model.ts format) in
# PyTorch from its JSON alone (layer list, weight layouts, preprocessing) and prints, per network, the largest
# difference between torch's scores and ours on the same raw test rows.
import base64, json, sys
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
spec = json.load(open(sys.argv[1]))


def weights(saved):
    return [torch.from_numpy(np.frombuffer(base64.b64decode(w["data"]), dtype="<f4").reshape(w["shape"]).copy())
            for w in saved["weights"]]


def act(x, name):
    return {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "elu": F.elu, "linear": lambda v: v}[name](x)


out = []
for case in spec:
    s = case["saved"]
    shape = s["architecture"]["inputShape"]
    x = torch.from_numpy(np.fromfile(case["x"], dtype=np.float32).reshape([case["n"]] + shape).astype(np.float64))
    pre = s["preprocessing"]
    fill, off, sc = (torch.tensor(pre[k], dtype=torch.float64) for k in ("fill", "offset", "scale"))
    x = (torch.where(torch.isnan(x), fill, x) - off) * sc  # last axis is the feature / channel axis
    mask = None
    if case.get("mask"):
        mask = torch.from_numpy(np.fromfile(case["mask"], dtype=np.float32).reshape(case["n"], -1).astype(np.float64))
        x = x * mask.unsqueeze(2)
    ws = [w.double() for w in weights(s)]
    h, p = x, 0
    if s["input"] == "image":
        h = h.permute(0, 3, 1, 2)  # NHWC -> NCHW
    for layer in s["architecture"]["layers"]:
        k = layer["kind"]
        if k == "dense":
            h = act(h @ ws[p] + ws[p + 1], layer["activation"]); p += 2  # kernel [in, out]
        elif k == "conv2d":
            kern = ws[p].permute(3, 2, 0, 1)  # [kh, kw, in, out] -> [out, in, kh, kw]
            h = act(F.conv2d(h, kern, ws[p + 1], padding=(layer["kernel"] - 1) // 2), layer["activation"]); p += 2
        elif k == "maxpool2d":
            h = F.max_pool2d(h, layer["pool"])
        elif k == "global-avg-pool":
            h = h.mean(dim=(2, 3))
        elif k == "flatten":
            h = h.reshape(h.shape[0], -1)
        elif k == "masked-sum":
            h = (h * mask.unsqueeze(2)).sum(1)
        elif k == "dropout":
            pass
    score = torch.sigmoid(h[:, 0]).numpy()
    out.append(float(np.max(np.abs(score - np.array(case["expected"])))))
print(json.dumps(out))
