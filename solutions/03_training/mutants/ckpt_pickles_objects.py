# exercise: checkpoint
# bug: pickles the model and optimizer objects and loads with weights_only=False
# breaks: values
# misconception: The whole model and optimizer objects are pickled into the checkpoint instead of their state dicts, so the file does not load with torch.load's safe default (weights only).
# misconception-ko: 상태 딕셔너리 대신 모델과 옵티마이저 객체 전체를 피클로 저장해서, torch.load의 안전한 기본 설정(가중치만 불러오기)으로는 파일을 읽을 수 없습니다.
# on-hidden: name
import torch


def save_checkpoint(path, model, optimizer, epoch):
    torch.save({"model": model, "optimizer": optimizer, "epoch": epoch}, path)


def load_checkpoint(path, model, optimizer):
    checkpoint = torch.load(path, map_location=next(model.parameters()).device, weights_only=False)
    model.load_state_dict(checkpoint["model"].state_dict())
    optimizer.load_state_dict(checkpoint["optimizer"].state_dict())
    return checkpoint["epoch"]
