# exercise: make_loader
# bug: drop_last=True loses the last, partial batch
# breaks: values
# misconception: The loader drops the last, partial batch, so the samples that do not fill a whole batch are never seen in an epoch.
# misconception-ko: 로더가 마지막의 덜 찬 배치를 버려서, 배치 하나를 채우지 못한 샘플들은 한 에포크 동안 한 번도 쓰이지 않습니다.
# on-hidden: name
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=shuffle, generator=generator,
                      drop_last=True)
