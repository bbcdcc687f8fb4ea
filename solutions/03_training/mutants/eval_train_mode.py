# exercise: evaluate
# bug: evaluates in training mode (no model.eval())
# breaks: values, mode
# misconception: The model is never put in evaluation mode, so layers that behave differently in training (dropout, batch norm) still act as in training and the loss and accuracy come out wrong.
# misconception-ko: 모델을 평가 모드로 바꾸지 않아서 드롭아웃이나 배치 정규화처럼 학습 때 다르게 동작하는 층이 여전히 학습 모드로 동작하고, 손실과 정확도가 틀리게 나옵니다.
# on-hidden: name
import torch


def evaluate(model, loader, loss_fn, device):
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            total_loss += loss_fn(out, yb).item() * xb.shape[0]
            correct += (out.argmax(dim=-1) == yb).sum().item()
            count += xb.shape[0]
    return total_loss / count, correct / count
