# exercise: mlp_backward
# bug: bias gradients returned per sample ([N, H], [N, C]) instead of summed over the batch
# breaks: values
# misconception: Your bias gradients keep one row per sample; a bias is shared by all samples, so its gradient is summed over the batch and has the bias's own shape.
# misconception-ko: 편향 기울기가 샘플마다 한 행씩 남아 있습니다. 편향은 모든 샘플이 공유하므로 기울기를 배치에 대해 합해 편향과 같은 모양으로 만들어야 합니다.
# on-hidden: name
import torch


def mlp_backward(X, y, W1, b1, W2, b2):
    n = X.shape[0]
    a = X @ W1.T + b1
    h = a.clamp(min=0)
    logits = h @ W2.T + b2
    log_probs = torch.log_softmax(logits, dim=1)
    loss = -log_probs.gather(1, y[:, None]).mean()
    d_logits = (log_probs.exp() - torch.nn.functional.one_hot(y, logits.shape[1]).to(X.dtype)) / n
    d_a = (d_logits @ W2) * (a > 0)
    return {"loss": loss.item(), "W1": d_a.T @ X, "b1": d_a, "W2": d_logits.T @ h, "b2": d_logits}
