# exercise: train_one_epoch
# bug: never calls model.train(), so a model left in eval mode (e.g. by evaluate) trains in eval mode
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    total, count = 0.0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
        count += xb.shape[0]
    return total / count
