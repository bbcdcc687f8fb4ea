# exercise: fit
# bug: range(1, epochs) runs one epoch too few
# breaks: values
# misconception: The epoch loop starts counting at 1 but stops before epochs, so it runs one epoch too few and the history is one entry short.
# misconception-ko: 에포크 반복을 1부터 세면서 epochs 직전에 멈추기 때문에 에포크를 하나 덜 실행하고, 기록도 하나 모자랍니다.
# on-hidden: name
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for epoch in range(1, epochs):
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
