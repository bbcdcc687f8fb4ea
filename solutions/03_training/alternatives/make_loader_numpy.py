# exercise: make_loader
# approach: another permutation source (the clarifications allow NumPy): a Sampler holding its own np.random.default_rng(seed), drawing a fresh permutation at the start of every epoch
import numpy as np
from torch.utils.data import DataLoader, Sampler, TensorDataset


class _NumpyShuffle(Sampler):
    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        return self.n

    def __iter__(self):
        return iter(self.rng.permutation(self.n).tolist())


def make_loader(X, y, batch_size, shuffle, seed=0):
    data = TensorDataset(X, y)
    if not shuffle:
        return DataLoader(data, batch_size=batch_size, shuffle=False)
    return DataLoader(data, batch_size=batch_size, sampler=_NumpyShuffle(len(data), seed))
