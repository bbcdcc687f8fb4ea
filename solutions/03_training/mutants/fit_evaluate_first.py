# exercise: fit
# bug: evaluates before training in each epoch
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {"train_loss": [], "val_loss": [], "val_acc": []}
    for _ in range(epochs):
        val_loss, val_acc = evaluate(model, val_loader, loss_fn, device)
        train_loss = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_acc"].append(val_acc)
    return history
