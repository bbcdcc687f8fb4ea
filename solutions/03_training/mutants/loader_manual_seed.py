# exercise: make_loader
# bug: seeds the global RNG in make_loader; the shuffle happens later, from whatever state it is in then
# breaks: values
# misconception: The global random state is seeded inside make_loader, but the shuffling happens later, while the loader is iterated, from whatever state the global generator is in by then.
# misconception-ko: make_loader 안에서 전역 난수 상태를 시드로 고정하지만, 실제로 섞는 것은 나중에 로더를 순회할 때라서 그때의 전역 생성기 상태에 따라 순서가 정해집니다.
# on-hidden: name
# same-values-as: loader_global_rng
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    torch.manual_seed(seed)
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
