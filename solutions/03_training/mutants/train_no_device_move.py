# exercise: train_one_epoch
# bug: does not move the batches to `device` (works on a CPU-only laptop, fails on a GPU)
# breaks: values, device
# misconception: The batches are not moved to the device, which goes unnoticed on a CPU-only machine but fails as soon as the model lives on a GPU.
# misconception-ko: 배치를 장치로 옮기지 않아서, CPU만 있는 컴퓨터에서는 티가 나지 않지만 모델이 GPU에 있으면 바로 실패합니다.
# on-hidden: name
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
        count += xb.shape[0]
    return total / count
