# exercise: make_loader
# bug: permutes the data once when the loader is built, so every epoch has the same order
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    if shuffle:
        perm = torch.randperm(X.shape[0], generator=torch.Generator().manual_seed(seed))
        X, y = X[perm], y[perm]
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False)
