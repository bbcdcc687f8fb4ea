# exercise: evaluate
# approach: library calls: torch.inference_mode, per-batch results collected as tensors and reduced with torch.cat / torch.stack once at the end
import torch


def evaluate(model, loader, loss_fn, device):
    model.train(False)
    losses, hits = [], []
    with torch.inference_mode():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            losses.append(loss_fn(out, yb).double() * yb.numel())
            hits.append(torch.eq(torch.argmax(out, dim=-1), yb))
    all_hits = torch.cat(hits)
    return (torch.stack(losses).sum() / all_hits.numel()).item(), all_hits.double().mean().item()
