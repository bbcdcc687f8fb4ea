# exercise: train_one_epoch
# bug: returns the last batch's loss instead of the epoch mean
# breaks: values
# misconception: The function returns the last batch's loss instead of the mean loss over the whole epoch.
# misconception-ko: 에포크 전체의 평균 손실이 아니라 마지막 배치의 손실을 반환합니다.
# on-hidden: name
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
