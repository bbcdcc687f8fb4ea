# exercise: batched_matvec
# bug: casts A and v to float32 (.float()) to be safe
# breaks: dtype
# misconception: You cast both inputs to float32 to be sure their dtypes match, so float64 inputs come back as float32 instead of keeping their dtype.
# misconception-ko: 두 입력의 dtype을 확실히 맞추려고 float32로 변환해서, float64 입력이 dtype을 유지하지 못하고 float32로 나옵니다.
# on-hidden: name
import torch


def batched_matvec(A, v):
    return torch.bmm(A.float(), v.float().unsqueeze(-1)).squeeze(-1)
