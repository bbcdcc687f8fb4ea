# exercise: train_one_epoch
# bug: never calls model.train(), so a model left in eval mode (e.g. by evaluate) trains in eval mode
# breaks: values, mode
# misconception: The model is never put in training mode, so a model that arrives in evaluation mode (for example right after evaluate) trains with its evaluation behaviour.
# misconception-ko: 모델을 학습 모드로 바꾸지 않아서, 평가 모드로 들어온 모델(예를 들어 evaluate 직후)이 평가 모드의 동작으로 학습됩니다.
# on-hidden: name
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
