# exercise: checkpoint
# bug: saves and restores only the model, so momentum buffers / Adam statistics are lost on resume
# breaks: values
# misconception: Only the model's weights are saved and restored; the optimizer's momentum buffers or Adam's running averages start from scratch, so resumed training leaves the uninterrupted trajectory.
# misconception-ko: 모델의 가중치만 저장하고 복원해서 옵티마이저의 모멘텀 버퍼나 Adam의 이동 평균이 처음부터 다시 시작되므로, 이어서 학습한 결과가 중단 없이 학습한 경로와 달라집니다.
# on-hidden: name
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model.state_dict(), "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location=next(model.parameters()).device)
    model.load_state_dict(checkpoint["model"])
    return checkpoint["epoch"]
