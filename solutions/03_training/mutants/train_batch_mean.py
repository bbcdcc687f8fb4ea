# exercise: train_one_epoch
# bug: returns the plain mean of the batch losses (per batch), not the mean over samples
# breaks: values
# misconception: The returned loss is the plain mean of the batch losses, so a smaller last batch counts as much as a full one; the mean over samples weights each batch's loss by its size.
# misconception-ko: 배치 손실의 단순 평균을 반환해서 크기가 작은 마지막 배치가 꽉 찬 배치와 같은 비중을 갖습니다. 샘플 기준 평균은 각 배치의 손실을 그 크기만큼 가중해야 합니다.
# on-hidden: name
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
