# exercise: batched_matvec
# bug: unsqueeze_ (in place) on v changes the caller's tensor
# breaks: in_place
# misconception: You gave v its extra column dimension with the in-place unsqueeze, which reshapes the caller's v itself: after the call it no longer has the shape it was passed with.
# misconception-ko: v에 열 차원을 in-place unsqueeze로 추가해서 호출한 쪽의 v 자체의 shape이 바뀝니다. 호출이 끝나면 전달될 때의 shape이 아닙니다.
# on-hidden: name
import torch


def batched_matvec(A, v):
    return torch.bmm(A, v.unsqueeze_(-1)).squeeze(-1)
