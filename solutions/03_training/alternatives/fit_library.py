# exercise: fit
# approach: library style: one (train_loss, val_loss, val_acc) record per epoch from a comprehension, transposed into the history with zip
def fit(model, train_loader, val_loader, loss_fn, optimizer, epochs, device):
    records = [(train_one_epoch(model, train_loader, loss_fn, optimizer, device),
                *evaluate(model, val_loader, loss_fn, device)) for _ in range(epochs)]
    keys = ("train_loss", "val_loss", "val_acc")
    return {key: [r[i] for r in records] for i, key in enumerate(keys)}
