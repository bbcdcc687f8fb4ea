# exercise: evaluate
# bug: copies the training loop's model.zero_grad(), wiping the gradients the caller still holds
import torch


def evaluate(model, loader, loss_fn, device):
    model.eval()
    model.zero_grad()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            total_loss += loss_fn(out, yb).item() * xb.shape[0]
            correct += (out.argmax(dim=-1) == yb).sum().item()
            count += xb.shape[0]
    return total_loss / count, correct / count
