# exercise: make_loader
# bug: seeds the global RNG in make_loader; the shuffle happens later, from whatever state it is in then
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    torch.manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
