# exercise: train_one_epoch
# bug: returns the plain mean of the batch losses (per batch), not the mean over samples
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    losses = []
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return sum(losses) / len(losses)
