# exercise: train_one_epoch
# bug: zero_grad() between backward() and step(), so every step applies zero gradients
# breaks: values, zero_grad
# misconception: The gradients are zeroed between backward and the optimizer step, so every step applies zero gradients and plain SGD never moves the parameters.
# misconception-ko: backward와 옵티마이저 step 사이에서 그래디언트를 0으로 만들어서, 매 단계가 0인 그래디언트를 적용하고 일반 SGD로는 파라미터가 전혀 움직이지 않습니다.
# on-hidden: name
def train_one_epoch(model, loader, loss_fn, optimizer, device):
    model.train()
    total, count = 0.0, 0
    for xb, yb in loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        total += loss.item() * xb.shape[0]
        count += xb.shape[0]
    return total / count
