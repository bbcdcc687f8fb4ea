# exercise: logistic_regression_step
# bug: converts the inputs to float64 "for accuracy" and returns float64 parameters for float32 inputs
# breaks: dtype
# misconception: You convert the inputs to float64 for accuracy, so float32 parameters come back as float64; the results must keep the inputs' dtype.
# misconception-ko: 정확도를 위해 입력을 float64로 바꾸는 바람에 float32 파라미터가 float64로 반환됩니다. 결과는 입력의 dtype을 유지해야 합니다.
# on-hidden: name
import torch


def logistic_regression_step(w, b, X, y, lr):
    w, b, X, y = w.double(), b.double(), X.double(), y.double()
    n = X.shape[0]
    z = X @ w + b
    p = torch.sigmoid(z)
    loss = (torch.nn.functional.softplus(z) - y * z).mean()
    dz = (p - y) / n
    return w - lr * (X.T @ dz), b - lr * dz.sum(), loss.item()
