# exercise: make_loader
# bug: shuffles with the global RNG (no generator): the seed is ignored, batches depend on torch's global state
# breaks: values
# misconception: The shuffle draws from torch's global random state instead of a generator seeded with seed, so the seed is ignored and two loaders with the same seed give different batches.
# misconception-ko: seed로 초기화한 생성기 대신 torch의 전역 난수 상태로 섞어서, seed가 무시되고 같은 seed로 만든 두 로더가 서로 다른 배치를 냅니다.
# on-hidden: name
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle)
