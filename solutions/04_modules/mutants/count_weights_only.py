# exercise: count_parameters
# bug: counts matrices only (p.dim() > 1): biases and norm scales missing
# breaks: values
# misconception: You kept only parameters with more than one dimension: biases and normalisation scales are parameters too, so the count is too small.
# misconception-ko: 차원이 2 이상인 파라미터만 센 것으로 보입니다. bias와 정규화 레이어의 scale도 파라미터이므로 개수가 너무 작아집니다.
# on-hidden: name
def count_parameters(model, trainable_only=True):
    return sum(p.numel() for p in model.parameters() if p.dim() > 1 and (p.requires_grad or not trainable_only))
