# exercise: logistic_regression_step
# approach: float64 inside; loss as max(z, 0) - y z + log1p(exp(-|z|)), sigmoid from tanh, the weight gradient as a column-weighted sum of X, cast back to the inputs' dtype
import torch


def logistic_regression_step(w, b, X, y, lr):
    X64, w64, b64, y64 = (t.to(torch.float64) for t in (X, w, b, y))
    z = (X64 * w64).sum(dim=1) + b64
    loss = (z.clamp(min=0) - y64 * z + torch.log1p(torch.exp(-z.abs()))).mean()
    r = 0.5 * (1 + torch.tanh(0.5 * z)) - y64
    grad_w = (X64 * r[:, None]).mean(dim=0)
    grad_b = r.mean()
    return (w64 - lr * grad_w).to(w.dtype), (b64 - lr * grad_b).to(b.dtype), float(loss)
