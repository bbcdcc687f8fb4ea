# exercise: mlp_backward
# approach: float64 inside, log-softmax through torch.logsumexp, gradients with einsum (another summation order), cast back to each parameter's dtype
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    f = torch.float64
    X64, W1_, b1_, W2_, b2_ = (t.to(f) for t in (X, W1, b1, W2, b2))
    n = X.shape[0]
    pre = torch.einsum("nd,hd->nh", X64, W1_) + b1_
    h = torch.clamp(pre, min=0.0)
    logits = torch.einsum("nh,ch->nc", h, W2_) + b2_
    logp = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    loss = -logp[torch.arange(n, device=X.device), y].sum() / n
    d_logits = torch.exp(logp)
    d_logits[torch.arange(n, device=X.device), y] -= 1.0
    d_logits /= n
    d_h = torch.einsum("nc,ch->nh", d_logits, W2_)
    d_pre = d_h * (pre > 0)
    return {"loss": float(loss),
            "W1": torch.einsum("nh,nd->hd", d_pre, X64).to(W1.dtype), "b1": d_pre.sum(0).to(b1.dtype),
            "W2": torch.einsum("nc,nh->ch", d_logits, h).to(W2.dtype), "b2": d_logits.sum(0).to(b2.dtype)}
