# exercise: make_loader
# bug: converts X to float32 and y to int64 when building the dataset, so batches lose the data's dtypes
# breaks: dtype
# misconception: X is converted to float32 and y to int64 when the dataset is built, so the batches no longer have the data's own dtypes (float64 features, float targets).
# misconception-ko: 데이터셋을 만들 때 X를 float32로, y를 int64로 바꿔서 배치가 원래 데이터의 dtype(float64 특성, 실수 타깃)을 잃어버립니다.
# on-hidden: name
import torch
from torch.utils.data import DataLoader, TensorDataset


def make_loader(X, y, batch_size, shuffle, seed=0):
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(TensorDataset(X.float(), y.long()), batch_size=batch_size, shuffle=shuffle,
                      generator=generator)
