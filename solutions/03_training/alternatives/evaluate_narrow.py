# exercise: evaluate
# approach: the narrowest reading: 2-D outputs (argmax over dim 1), torch.no_grad as a context, the dataset's length as N
import torch


def evaluate(model, loader, loss_fn, device):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            loss_sum += loss_fn(out, yb).item() * len(xb)
            correct += int((out.argmax(1) == yb).sum())
    n = len(loader.dataset)
    return loss_sum / n, correct / n
