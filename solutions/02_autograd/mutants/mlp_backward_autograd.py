# exercise: mlp_backward
# bug: gradients from torch.autograd.grad instead of backprop by hand
# breaks: by_hand
# misconception: You take the gradients from autograd instead of applying the chain rule by hand, which this exercise forbids even though the values come out right.
# misconception-ko: 연쇄 법칙을 직접 적용하지 않고 autograd로 기울기를 얻고 있습니다. 값은 맞더라도 이 과제에서는 허용되지 않습니다.
# on-hidden: name
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    params = [p.detach().clone().requires_grad_(True) for p in (W1, b1, W2, b2)]
    h = torch.relu(X @ params[0].T + params[1])
    loss = torch.nn.functional.cross_entropy(h @ params[2].T + params[3], y)
    g = torch.autograd.grad(loss, params)
    return {"loss": loss.item(), "W1": g[0], "b1": g[1], "W2": g[2], "b2": g[3]}
