# exercise: train_one_epoch
# approach: library calls: zero_grad(set_to_none=True), weighted batch losses kept as detached tensors and reduced once with torch.stack(...).sum() at the end
import torch


def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train(True)
    weighted, count = [], 0
    for batch in loader:
        xb, yb = (t.to(device) for t in batch)
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        weighted.append(loss.detach().double() * xb.size(0))
        count += xb.size(0)
    return (torch.stack(weighted).sum() / count).item()
