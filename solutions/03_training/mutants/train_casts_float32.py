# exercise: train_one_epoch
# bug: converts every input batch to float32 while moving it to the device, which breaks a float64 model
# breaks: dtype
# misconception: Every input batch is converted to float32 while it is moved to the device, so a float64 model receives float32 input and fails; moving a batch should keep its dtype.
# misconception-ko: 입력 배치를 장치로 옮기면서 float32로 바꿔서, float64 모델에 float32 입력이 들어가 실패합니다. 배치를 옮길 때는 dtype을 그대로 유지해야 합니다.
# on-hidden: name
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device).float(), yb.to(device)
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
        count += xb.shape[0]
    return total / count
