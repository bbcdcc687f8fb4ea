# exercise: count_parameters
# bug: counts the state_dict: buffers (running statistics) and tied weights twice
# breaks: values
# misconception: You counted the entries of state_dict(): it also holds buffers such as BatchNorm's running statistics, and it lists a tied weight once for every layer that uses it, so the count is too large.
# misconception-ko: state_dict()의 항목을 센 것으로 보입니다. state_dict에는 BatchNorm의 누적 통계 같은 버퍼도 들어 있고, 공유된 가중치는 그것을 쓰는 레이어마다 한 번씩 나오므로 개수가 너무 커집니다.
# on-hidden: name
def count_parameters(model, trainable_only=True):
    return sum(v.numel() for v in model.state_dict().values())
