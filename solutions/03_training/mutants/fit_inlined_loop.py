# exercise: fit
# bug: copies the training loop into fit instead of calling train_one_epoch
# breaks: values
# misconception: fit repeats the training loop's code instead of calling train_one_epoch, so it does not use this module's train_one_epoch (and any fix made there never reaches fit).
# misconception-ko: fit이 train_one_epoch를 호출하지 않고 학습 루프 코드를 그대로 복사해서, 이 모듈의 train_one_epoch를 쓰지 않습니다(그쪽을 고쳐도 fit에는 반영되지 않습니다).
# on-hidden: name
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        model.train()
        total, count = 0.0, 0
        for xb, yb in train_loader:
            xb, yb = xb.to(device), yb.to(device)
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
            count += len(xb)
        history["train_loss"].append(total / count)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
