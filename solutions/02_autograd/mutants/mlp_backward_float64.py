# exercise: mlp_backward
# bug: converts the inputs to float64 "for accuracy", so a float32 call gets float64 gradients back
# breaks: dtype
# misconception: You convert the inputs to float64 for accuracy, so a float32 call gets float64 gradients back; the gradients must keep the parameters' dtype.
# misconception-ko: 정확도를 위해 입력을 float64로 바꾸어, float32로 호출해도 float64 기울기가 반환됩니다. 기울기는 파라미터의 dtype을 유지해야 합니다.
# on-hidden: name
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    X, W1, b1, W2, b2 = X.double(), W1.double(), b1.double(), W2.double(), b2.double()
    n = X.shape[0]
    a = X @ W1.T + b1
    h = a.clamp(min=0)
    logits = h @ W2.T + b2
    log_probs = torch.log_softmax(logits, dim=1)
    loss = -log_probs.gather(1, y[:, None]).mean()
    one_hot = torch.nn.functional.one_hot(y, logits.shape[1]).to(X.dtype)
    d_logits = (log_probs.exp() - one_hot) / n
    d_a = (d_logits @ W2) * (a > 0)
    return {"loss": loss.item(), "W1": d_a.T @ X, "b1": d_a.sum(dim=0), "W2": d_logits.T @ h,
            "b2": d_logits.sum(dim=0)}
