# exercise: checkpoint
# bug: does not store the epoch and returns 0
# breaks: values
# misconception: The checkpoint stores the model and the optimizer but not the epoch, so load_checkpoint cannot return the epoch that was saved and answers 0 whatever it was.
# misconception-ko: 체크포인트에 모델과 옵티마이저만 저장하고 에포크는 저장하지 않아서, load_checkpoint가 저장된 에포크를 돌려주지 못하고 항상 0을 반환합니다.
# on-hidden: name
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location=next(model.parameters()).device)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return 0
