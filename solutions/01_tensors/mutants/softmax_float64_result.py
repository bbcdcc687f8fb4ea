# exercise: softmax
# bug: computes in float64 for stability and returns float64
# breaks: dtype
# misconception: You converted the input to float64 for stability and returned that result, so a float32 input gives a float64 output instead of keeping its dtype.
# misconception-ko: 안정성을 위해 입력을 float64로 바꾼 뒤 그 결과를 반환해서, float32 입력이 dtype을 유지하지 못하고 float64로 나옵니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    x = x.double()
    e = torch.exp(x - x.amax(dim=dim, keepdim=True))
    return e / e.sum(dim=dim, keepdim=True)
