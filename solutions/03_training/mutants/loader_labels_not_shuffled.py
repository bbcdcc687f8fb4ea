# exercise: make_loader
# bug: shuffles X but not y, so the labels no longer belong to their samples
# breaks: values
# misconception: X is permuted but y is not, so after shuffling the labels no longer belong to their samples.
# misconception-ko: X만 섞고 y는 섞지 않아서, 섞은 뒤에는 레이블이 자기 샘플과 짝이 맞지 않습니다.
# on-hidden: name
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    if shuffle:
        X = X[torch.randperm(X.shape[0], generator=torch.Generator().manual_seed(seed))]
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=False)
