# exercise: evaluate
# approach: other numerics: float64 running sums on the model's device, a decorator-style no_grad, one host sync at the end
import torch


@torch.no_grad()
def evaluate(model, loader, loss_fn, device):
    model.eval()
    loss_sum = torch.zeros((), dtype=torch.float64, device=device)
    correct = torch.zeros((), dtype=torch.int64, device=device)
    n = 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        out = model(xb)
        loss_sum += loss_fn(out, yb).to(torch.float64) * xb.shape[0]
        correct += (out.argmax(dim=-1) == yb).sum()
        n += xb.shape[0]
    return loss_sum.item() / n, correct.item() / n
