"""The PyTorch peer of `npm run bench` (issue 16): the same training steps, one thread.

Called by `bench/bench.ts --peer torch` with a JSON file that holds, per config, mimax's
initial weights, one batch and mimax's scores on it. For each config this script builds the
same models (written here from the paper's description, Tschannen et al. 2020 Sec. 3.2 and
Sec. 4; weights in mimax's layout: kernels [in, out], y = x @ W + b), checks they compute the
same function (max |scores_torch - scores_mimax| on the shared weights and batch), then times
training steps (Adam, lr 1e-4, the config's bound) and a large matmul. Prints JSON on stdout.

Needs PyTorch: on Debian `apt-get install -y python3-torch` (1.13), or `pip install torch`.
Run by hand: /usr/bin/python3 bench/peer-torch.py SPEC.json
"""

import json
import math
import sys
import time

try:
    import torch
except ImportError:
    print(json.dumps({"skipped": "PyTorch is not installed (apt-get install -y python3-torch)"}))
    sys.exit(0)

torch.set_num_threads(1)  # mimax's wasm backend runs one thread per process
WARMUP = 5
TIMED = 30


def mlp(params, x, shortcuts=False):
    """Dense layers from a flat [W0, b0, W1, b1, ...]; relu on all but the last."""
    layers = len(params) // 2
    h = x
    for k in range(layers):
        out = h @ params[2 * k] + params[2 * k + 1]
        if k < layers - 1:
            out = torch.relu(out)
        h = out + h if shortcuts else out
    return h


def bilinear(params, a, b):
    return (a @ params[0]) @ b.T  # scores[i][j] = a_i W b_j^T


def separable(params, a, b, g_count):
    return mlp(params[:g_count], a) @ mlp(params[g_count:], b).T


def concat(params, a, b):
    kx, ky, bias = params[0], params[1], params[2]
    first = torch.relu((a @ kx + bias)[:, None, :] + (b @ ky)[None, :, :])  # [B, B, h0]
    bsz, h0 = a.shape[0], kx.shape[1]
    return mlp(params[3:], first.reshape(bsz * bsz, h0)).reshape(bsz, bsz)


def off_diagonal_log_mean_exp(s):
    k = s.shape[0]
    masked = s.masked_fill(torch.eye(k, dtype=torch.bool), -math.inf)
    return torch.logsumexp(masked.reshape(-1), 0) - math.log(k * (k - 1))


def nwj(s):
    return torch.diagonal(s).mean() - torch.exp(off_diagonal_log_mean_exp(s) - 1)


def infonce(s):
    return math.log(s.shape[0]) + (torch.diagonal(s) - torch.logsumexp(s, 1)).mean()


BOUNDS = {"nwj": nwj, "infonce": infonce}


def build(cfg):
    """Returns (params, scores(x1, x2)) for a config of bench.ts."""
    params = [
        torch.tensor(v["values"], dtype=torch.float32).reshape(v["shape"]).requires_grad_()
        for v in cfg["variables"]
    ]
    n1, n2 = cfg["encoderVariables"]
    shortcuts = cfg.get("shortcuts", False)
    g1, g2, critic = params[:n1], params[n1 : n1 + n2], params[n1 + n2 :]
    kind = cfg["critic"]

    def scores(x1, x2):
        a = mlp(g1, x1, shortcuts) if n1 else x1
        b = mlp(g2, x2, shortcuts) if n2 else x2
        if kind == "bilinear":
            return bilinear(critic, a, b)
        if kind == "separable":
            return separable(critic, a, b, cfg["separableG"])
        return concat(critic, a, b)

    return params, scores


def timed(step, steps=TIMED):
    for _ in range(WARMUP):
        step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return times[len(times) // 2]


def matmul_gflops():
    n = 1024
    a, b = torch.randn(n, n), torch.randn(n, n)
    ms = timed(lambda: a @ b, 10)
    return 2 * n**3 / (ms / 1000) / 1e9


def main():
    spec = json.load(open(sys.argv[1]))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": []}
    out["matmulGflops"] = matmul_gflops()
    for cfg in spec["configs"]:
        params, scores = build(cfg)
        x1 = torch.tensor(cfg["x1"], dtype=torch.float32).reshape(cfg["batch"], -1)
        x2 = torch.tensor(cfg["x2"], dtype=torch.float32).reshape(cfg["batch"], -1)
        with torch.no_grad():
            ours = scores(x1, x2)
        theirs = torch.tensor(cfg["scores"], dtype=torch.float32).reshape(ours.shape)
        diff = (ours - theirs).abs().max().item()
        scale = theirs.abs().max().item()
        bound = BOUNDS[cfg["bound"]]
        optimizer = torch.optim.Adam(params, lr=1e-4)

        def step():
            optimizer.zero_grad()
            loss = -bound(scores(x1, x2))
            loss.backward()
            optimizer.step()
            return loss.item()

        ms = timed(step)
        out["rows"].append(
            {"name": cfg["name"], "medianMs": ms, "forwardMaxAbsDiff": diff, "scoresMaxAbs": scale}
        )
        print(f"{cfg['name']}: {ms:.1f} ms, forward max |diff| {diff:.2e} (scale {scale:.2e})", file=sys.stderr)
    print(json.dumps(out))


main()
