# exercise: make_loader
# bug: shuffles with the global RNG (no generator): the seed is ignored, batches depend on torch's global state
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
