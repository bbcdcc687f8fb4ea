# exercise: evaluate
# bug: copies the training loop's model.zero_grad(), wiping the gradients the caller still holds
# breaks: in_place
# misconception: evaluate zeroes the model's gradients as the training loop does, wiping the .grad the caller still holds; evaluation only reads the model.
# misconception-ko: evaluate가 학습 루프처럼 모델의 그래디언트를 0으로 만들어서 호출한 쪽이 아직 가지고 있는 .grad를 지워 버립니다. 평가는 모델을 읽기만 해야 합니다.
# on-hidden: name
import torch


def evaluate(model, loader, loss_fn, device):
    model.eval()
    model.zero_grad()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in loader:
            xb, yb = xb.to(device), yb.to(device)
            out = model(xb)
            total_loss += loss_fn(out, yb).item() * xb.shape[0]
            correct += (out.argmax(dim=-1) == yb).sum().item()
            count += xb.shape[0]
    return total_loss / count, correct / count
