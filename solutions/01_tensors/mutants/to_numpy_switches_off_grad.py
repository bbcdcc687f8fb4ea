# exercise: to_numpy
# bug: "fixes" the requires_grad error by switching off requires_grad on the caller's tensor
# breaks: requires_grad, in_place
# misconception: To get rid of the requires_grad error you switched requires_grad off on the tensor you were given, which changes the caller's tensor (and fails for a tensor computed from others).
# misconception-ko: requires_grad 오류를 없애려고 전달받은 텐서의 requires_grad를 꺼 버렸습니다. 이는 호출한 쪽의 텐서를 바꾸고, 다른 텐서로부터 계산된 텐서에서는 실패합니다.
# on-hidden: name
import torch


def to_numpy(t):
    if t.requires_grad:
        t.requires_grad_(False)
    return t.cpu().numpy()
