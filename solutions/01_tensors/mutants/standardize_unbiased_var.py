# exercise: standardize
# bug: unbiased variance (torch.var's default divides by N-1)
# breaks: values
# misconception: You used the unbiased variance (torch.var divides by N - 1 by default) where the population variance, which divides by N, is asked for, so every result is slightly too small.
# misconception-ko: 모분산(N으로 나눔)이 필요한 곳에 불편분산(torch.var는 기본적으로 N - 1로 나눕니다)을 써서 모든 결과가 조금씩 작습니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
