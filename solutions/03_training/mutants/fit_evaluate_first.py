# exercise: fit
# bug: evaluates before training in each epoch
# breaks: values
# misconception: Each epoch evaluates before it trains, so the validation numbers describe the model before that epoch's training rather than after it.
# misconception-ko: 에포크마다 학습하기 전에 평가해서, 검증 결과가 그 에포크의 학습 후가 아니라 학습 전 모델의 값이 됩니다.
# on-hidden: name
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
