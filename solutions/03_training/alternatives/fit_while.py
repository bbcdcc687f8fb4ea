# exercise: fit
# approach: another control flow: a while loop over an epoch counter, the history dict built first and the results stored as floats
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    history = {key: [] for key in ("train_loss", "val_loss", "val_acc")}
    epoch = 0
    while epoch < epochs:
        t = train_one_epoch(model, train_loader, loss_fn, optimizer, device)
        v = evaluate(model, val_loader, loss_fn, device)
        history["train_loss"].append(float(t))
        history["val_loss"].append(float(v[0]))
        history["val_acc"].append(float(v[1]))
        epoch += 1
    return history
