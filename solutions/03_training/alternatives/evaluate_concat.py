# exercise: evaluate
# approach: one loss call on all outputs at once (the mean over samples directly), accuracy as a float32 mean: `(pred == y).float().mean()`
import torch


def evaluate(model, loader, loss_fn, device):
    model.eval()
    outs, targets = [], []
    with torch.no_grad():
        for xb, yb in loader:
            outs.append(model(xb.to(device)))
            targets.append(yb.to(device))
        out, y = torch.cat(outs), torch.cat(targets)
        loss = loss_fn(out, y).item()
    return loss, (out.argmax(-1) == y).float().mean().item()
