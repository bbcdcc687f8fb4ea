# exercise: batched_matvec
# bug: squeeze() without a dim also drops B or N when they are 1
# breaks: values
# misconception: You removed the helper dimension with a squeeze over every dimension, which also drops the batch or row dimension when it has size 1.
# misconception-ko: 보조 차원을 모든 차원에 대한 squeeze로 없앴는데, 이 경우 배치나 행 차원의 크기가 1이면 그 차원도 함께 사라집니다.
# on-hidden: name
import torch


def batched_matvec(A, v):
    return torch.bmm(A, v.unsqueeze(-1)).squeeze()
