# exercise: fit_linear_regression
# bug: other default hyperparameters (lr=0.1, epochs=100) than the contract's lr=0.01, epochs=1000
# breaks: defaults
# misconception: The function's default learning rate and number of epochs differ from the ones the assignment specifies, so a call without them trains with other hyperparameters.
# misconception-ko: 함수의 기본 학습률과 에포크 수가 과제에서 정한 값과 달라서, 이 인자 없이 호출하면 다른 하이퍼파라미터로 학습합니다.
# on-hidden: name
import torch


def fit_linear_regression(x, y, lr=0.1, epochs=100):
    w = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.zeros((), dtype=x.dtype, device=x.device, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    n = x.shape[0]
    losses = []
    for _ in range(epochs):
        cost = ((w * x + b - y) ** 2).sum() / (2 * n)
        optimizer.zero_grad()
        cost.backward()
        optimizer.step()
        losses.append(cost.item())
    return w.item(), b.item(), losses
