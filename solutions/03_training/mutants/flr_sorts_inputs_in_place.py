# exercise: fit_linear_regression
# bug: sorts the points by x in place (to plot the fitted line later), reordering the caller's x and y
# breaks: in_place
# misconception: The points are sorted by x in place, so the caller's x and y come back reordered even though the fit itself is right; work on sorted copies instead of writing into the inputs.
# misconception-ko: 점들을 x 기준으로 제자리에서 정렬해서, 학습 결과는 맞지만 호출한 쪽의 x와 y 순서가 바뀐 채로 돌아갑니다. 입력에 직접 쓰지 말고 정렬된 복사본을 사용해야 합니다.
# on-hidden: name
import torch


def fit_linear_regression(x, y, lr=0.01, epochs=1000):
    order = x.argsort()
    x[:] = x[order]
    y[:] = y[order]
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
