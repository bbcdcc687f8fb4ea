# exercise: logistic_regression_step
# bug: updates w and b in place (w -= lr * grad_w) and returns them, modifying the caller's parameters
# breaks: in_place
# misconception: You update w and b in place and return them, so the caller's parameters change too; the step must return new tensors and leave its inputs unchanged.
# misconception-ko: w와 b를 제자리(in-place)로 업데이트해서 반환하기 때문에 호출한 쪽의 파라미터도 바뀝니다. 새 텐서를 반환하고 입력은 그대로 두어야 합니다.
# on-hidden: name
import torch


def logistic_regression_step(w, b, X, y, lr):
    n = X.shape[0]
    z = X @ w + b
    p = torch.sigmoid(z)
    loss = (torch.nn.functional.softplus(z) - y * z).mean()
    dz = (p - y) / n
    w -= lr * (X.T @ dz)
    b -= lr * dz.sum()
    return w, b, loss.item()
