# exercise: fit
# bug: unpacks evaluate's result in the wrong order (accuracy stored as the validation loss)
# breaks: values
# misconception: evaluate's result is unpacked in the wrong order, so the accuracy is stored as the validation loss and the loss as the accuracy.
# misconception-ko: evaluate의 결과를 잘못된 순서로 풀어서, 정확도가 검증 손실 자리에, 손실이 정확도 자리에 저장됩니다.
# on-hidden: name
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_acc, val_loss = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
