# exercise: make_loader
# approach: library samplers chosen explicitly: RandomSampler with a private generator, or SequentialSampler, passed as sampler=
import torch
from torch.utils.data import DataLoader, RandomSampler, SequentialSampler, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    data = TensorDataset(X, y)
    sampler = (RandomSampler(data, generator=torch.Generator().manual_seed(seed)) if shuffle
               else SequentialSampler(data))
    return DataLoader(data, batch_size=batch_size, sampler=sampler, drop_last=False)
