# exercise: evaluate
# bug: "disables autograd" by switching off requires_grad on the parameters, changing the model
def evaluate(model, loader, loss_fn, device):
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    total_loss, correct, count = 0.0, 0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        out = model(xb)
        total_loss += loss_fn(out, yb).item() * xb.shape[0]
        correct += (out.argmax(dim=-1) == yb).sum().item()
        count += xb.shape[0]
    return total_loss / count, correct / count
