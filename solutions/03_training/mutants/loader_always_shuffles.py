# exercise: make_loader
# bug: ignores the shuffle argument and always shuffles
# breaks: values
# misconception: The shuffle argument is ignored and the loader always shuffles, so shuffle set to False does not keep the natural order.
# misconception-ko: shuffle 인자를 무시하고 항상 섞어서, shuffle을 False로 주어도 원래 순서가 유지되지 않습니다.
# on-hidden: name
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    return DataLoader(TensorDataset(X, y), batch_size=batch_size, shuffle=True,
                      generator=torch.Generator().manual_seed(seed))
