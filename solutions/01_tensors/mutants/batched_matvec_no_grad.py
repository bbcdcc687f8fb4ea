# exercise: batched_matvec
# bug: computes under torch.no_grad(): no gradient
# breaks: gradient
# misconception: You computed the product inside a no-grad block, as one does for inference; the values are right, but autograd records nothing, so no gradient reaches A and v.
# misconception-ko: 추론할 때처럼 no-grad 블록 안에서 곱을 계산했습니다. 값은 맞지만 autograd가 아무것도 기록하지 않아서 A와 v로 gradient가 전달되지 않습니다.
# on-hidden: name
import torch


def batched_matvec(A, v):
    with torch.no_grad():
        return torch.bmm(A, v.unsqueeze(-1)).squeeze(-1)
