# exercise: fit
# approach: the narrowest reading: three lists, filled one epoch at a time
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    train_losses, val_losses, val_accs = [], [], []
    for epoch in range(epochs):
        train_losses.append(train_one_epoch(model, train_loader, loss_fn, optimizer, device))
        vl, va = evaluate(model, val_loader, loss_fn, device)
        val_losses.append(vl)
        val_accs.append(va)
    return {"train_loss": train_losses, "val_loss": val_losses, "val_acc": val_accs}
