# exercise: checkpoint
# bug: returns epoch + 1 ("the next epoch to run") instead of the saved epoch
# breaks: values
# misconception: load_checkpoint returns the next epoch to run (the saved one plus one) instead of the epoch that was saved; deciding where to continue is the caller's job.
# misconception-ko: load_checkpoint가 저장된 에포크가 아니라 다음에 실행할 에포크(저장된 값에 1을 더한 값)를 반환합니다. 어디서부터 이어 갈지는 호출하는 쪽이 정합니다.
# on-hidden: name
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location=next(model.parameters()).device)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"] + 1
