# exercise: logistic_regression_step
# bug: gradients computed with loss.backward() instead of by formula
# breaks: by_hand
# misconception: You compute the gradients with autograd (backward) instead of by formula, which this exercise forbids even though the values come out right.
# misconception-ko: 기울기를 공식으로 직접 구하지 않고 autograd(backward)로 계산하고 있습니다. 값은 맞더라도 이 과제에서는 허용되지 않습니다.
# on-hidden: name
import torch


def logistic_regression_step(w, b, X, y, lr):
    w_, b_ = w.detach().clone().requires_grad_(True), b.detach().clone().requires_grad_(True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(X @ w_ + b_, y)
    loss.backward()
    return (w - lr * w_.grad), (b - lr * b_.grad), loss.item()
