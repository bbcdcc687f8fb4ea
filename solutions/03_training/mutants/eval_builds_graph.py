# exercise: evaluate
# bug: no torch.no_grad(): detaches the output afterwards, but the forward pass already built a graph
def evaluate(model, loader, loss_fn, device):
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        out = model(xb).detach()
        total_loss += loss_fn(out, yb).item() * xb.shape[0]
        correct += (out.argmax(dim=-1) == yb).sum().item()
        count += xb.shape[0]
    return total_loss / count, correct / count
