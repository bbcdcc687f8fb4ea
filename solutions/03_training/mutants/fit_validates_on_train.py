# exercise: fit
# bug: evaluates on the training loader instead of the validation loader
# breaks: values
# misconception: The model is evaluated on the training loader instead of the validation loader, so the validation history measures the data it was trained on.
# misconception-ko: 검증 로더가 아니라 학습 로더로 모델을 평가해서, 검증 기록이 학습에 쓴 데이터에 대한 값이 됩니다.
# on-hidden: name
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        history["train_loss"].append(train_one_epoch(model, train_loader, loss_fn, optimizer, device))
        val_loss, val_acc = evaluate(model, train_loader, loss_fn, device)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
