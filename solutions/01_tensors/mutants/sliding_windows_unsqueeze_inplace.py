# exercise: sliding_windows
# bug: unsqueeze_ (in place) on x before unfold changes the caller's tensor
# breaks: in_place
# misconception: You added a batch dimension to x with the in-place unsqueeze, which reshapes the caller's signal itself: after the call it is [1, T] instead of [T].
# misconception-ko: x에 배치 차원을 in-place unsqueeze로 추가해서 호출한 쪽의 신호 자체의 shape이 바뀝니다. 호출이 끝나면 [T]가 아니라 [1, T]입니다.
# on-hidden: name
import torch


def sliding_windows(x, size, step=1):
    return x.unsqueeze_(0).unfold(1, size, step)[0]
