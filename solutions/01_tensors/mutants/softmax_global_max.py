# exercise: softmax
# bug: subtracts one global maximum instead of the maximum along dim: slices far below it underflow to 0/0
# breaks: stability
# misconception: You subtracted one maximum over the whole tensor instead of the maximum of each slice along dim, so a slice far below it underflows to zero over zero.
# misconception-ko: dim 방향 각 조각의 최댓값이 아니라 텐서 전체의 최댓값 하나를 뺐습니다. 그래서 그보다 훨씬 작은 조각은 0/0으로 언더플로합니다.
# on-hidden: name
import torch


def softmax(x, dim=-1):
    e = torch.exp(x - x.max())
    return e / e.sum(dim=dim, keepdim=True)
