# exercise: mlp_backward
# bug: d_logits = softmax - one_hot without dividing by N, although the loss is a mean over the batch
# breaks: values
# misconception: Your output error is softmax minus one-hot without dividing by N, although the loss is a mean over the batch, so every gradient is N times too large.
# misconception-ko: 손실이 배치 평균인데도 출력 오차를 softmax에서 one-hot을 뺀 값 그대로 쓰고 N으로 나누지 않아, 모든 기울기가 N배 커집니다.
# on-hidden: name
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    a = X @ W1.T + b1
    h = a.clamp(min=0)
    logits = h @ W2.T + b2
    log_probs = torch.log_softmax(logits, dim=1)
    loss = -log_probs.gather(1, y[:, None]).mean()
    d_logits = log_probs.exp() - torch.nn.functional.one_hot(y, logits.shape[1]).to(X.dtype)
    d_a = (d_logits @ W2) * (a > 0)
    return {"loss": loss.item(), "W1": d_a.T @ X, "b1": d_a.sum(dim=0), "W2": d_logits.T @ h,
            "b2": d_logits.sum(dim=0)}
