# exercise: train_one_epoch
# bug: forgets optimizer.zero_grad(), so gradients accumulate across steps
# breaks: values, zero_grad
# misconception: The gradients are never zeroed, so each backward adds to the gradients of all earlier batches and every step uses their sum.
# misconception-ko: 그래디언트를 0으로 초기화하지 않아서 backward가 이전 배치들의 그래디언트에 계속 더해지고, 매 단계가 그 합으로 업데이트합니다.
# on-hidden: name
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.shape[0]
        count += xb.shape[0]
    return total / count
