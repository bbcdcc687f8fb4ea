# exercise: make_loader
# bug: permutes the data once when the loader is built, so every epoch has the same order
# breaks: values
# misconception: The data is permuted once when the loader is built, so every epoch repeats the same order instead of drawing a fresh permutation.
# misconception-ko: 로더를 만들 때 데이터를 한 번만 섞어서, 에포크마다 새 순서를 뽑지 않고 같은 순서를 반복합니다.
# on-hidden: name
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    if shuffle:
        perm = torch.randperm(X.shape[0], generator=torch.Generator().manual_seed(seed))
        X, y = X[perm], y[perm]
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False)
