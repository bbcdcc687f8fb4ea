# exercise: standardize
# bug: unbiased variance (torch.var's default divides by N-1)
# breaks: values
# misconception: You probably used the variance's default, which divides by N-1 (the unbiased sample variance); standardizing uses the population variance, which divides by N, so every standardized value comes out slightly too close to zero.
# misconception-ko: 분산의 기본값을 그대로 쓴 것 같습니다. 기본값은 N-1로 나누는 표본(불편) 분산이지만, 표준화에는 N으로 나누는 모집단 분산이 필요해서 표준화된 값이 모두 0에 조금씩 더 가깝게 나옵니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
