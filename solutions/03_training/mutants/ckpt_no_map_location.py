# exercise: checkpoint
# bug: torch.load without map_location: a checkpoint written on a GPU does not load on a CPU-only machine
# breaks: values, device
# misconception: The checkpoint is loaded without telling torch.load where to put it, so a file written on a GPU machine tries to go back to a GPU that does not exist here instead of onto the model's device.
# misconception-ko: torch.load에 어느 장치로 불러올지 알려 주지 않아서, GPU 머신에서 저장한 파일이 모델의 장치가 아니라 여기에는 없는 GPU로 돌아가려다 실패합니다.
# on-hidden: name
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    return checkpoint["epoch"]
