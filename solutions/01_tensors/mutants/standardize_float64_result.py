# exercise: standardize
# bug: computes in float64 for accuracy and returns the float64 result
# breaks: dtype
# misconception: You converted the input to float64 for accuracy and returned that result, so a float32 input gives a float64 output instead of keeping its dtype.
# misconception-ko: 정확도를 위해 입력을 float64로 바꾼 뒤 그 결과를 그대로 반환해서, float32 입력이 dtype을 유지하지 못하고 float64로 나옵니다.
# on-hidden: name
import torch


def standardize(x, dim=-1, eps=1e-5):
    x = x.double()
    mean = x.mean(dim=dim, keepdim=True)
    var = x.var(dim=dim, keepdim=True, correction=0)
    return (x - mean) / torch.sqrt(var + eps)
