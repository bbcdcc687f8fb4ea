# exercise: standardize
# bug: mean and variance without keepdim: they no longer broadcast against x
# breaks: values
# misconception: You reduced the mean and variance without keeping the reduced dimension, so they no longer line up with x: broadcasting fails, or silently pairs the wrong elements.
# misconception-ko: 평균과 분산을 구할 때 줄어든 차원을 유지하지 않아서 x와 맞춰지지 않습니다. 브로드캐스팅이 실패하거나, 조용히 엉뚱한 원소끼리 짝지어집니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim)
    var = x.var(dim=dim, correction=0)
    return (x - mean) / torch.sqrt(var + eps)
