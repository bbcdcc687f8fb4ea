# exercise: train_one_epoch
# bug: returns the last batch's loss instead of the epoch mean
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    loss = None
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
    return loss.item()
