# exercise: standardize
# bug: unbiased variance (torch.var's default divides by N-1)
# breaks: values
# misconception: You probably used torch.var (or .var()) with its default settings: it divides by N-1 (the sample, unbiased variance), while standardize uses the population variance, which divides by N, so every result comes out a little too small in size.
# misconception-ko: torch.var(또는 .var())를 기본 설정으로 쓴 것 같습니다. 기본값은 N-1로 나누는 표본(불편) 분산인데, standardize는 N으로 나누는 모집단 분산을 써야 하므로 결과의 크기가 모두 조금씩 작아집니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps)
