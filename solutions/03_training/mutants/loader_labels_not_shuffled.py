# exercise: make_loader
# bug: shuffles X but not y, so the labels no longer belong to their samples
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    if shuffle:
        X = X[torch.randperm(X.shape[0], generator=torch.Generator().manual_seed(seed))]
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False)
