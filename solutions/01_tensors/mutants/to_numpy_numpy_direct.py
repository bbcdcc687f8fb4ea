# exercise: to_numpy
# bug: calls t.numpy() directly: fails for tensors that require grad (and for GPU tensors)
# breaks: requires_grad
# misconception: You called the tensor's numpy method directly; PyTorch refuses it for a tensor that requires grad (and for a GPU tensor), because the array could not follow the autograd graph.
# misconception-ko: 텐서의 numpy 메서드를 바로 호출했습니다. grad가 필요한 텐서(그리고 GPU 텐서)에 대해서는 배열이 autograd 그래프를 따라갈 수 없으므로 PyTorch가 이를 거부합니다.
# on-hidden: name
import torch


def to_numpy(t):
    return t.numpy()
