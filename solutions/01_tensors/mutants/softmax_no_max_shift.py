# exercise: softmax
# bug: no max-subtraction: exp overflows to inf for large inputs (inf / inf = nan)
# breaks: stability
# misconception: You exponentiated the inputs without subtracting the maximum first, so large inputs overflow to infinity and the division gives nan.
# misconception-ko: 최댓값을 먼저 빼지 않고 입력에 바로 exp를 취해서, 큰 입력은 무한대로 오버플로하고 나눗셈 결과가 nan이 됩니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    e = torch.exp(x)
    return e / e.sum(dim=dim, keepdim=True)
