# exercise: count_parameters
# bug: counts parameter tensors instead of their elements
# breaks: values
# misconception: You counted parameter tensors rather than their elements: a 4 by 8 weight matrix counts as one instead of 32 scalars.
# misconception-ko: 파라미터의 원소가 아니라 파라미터 텐서의 개수를 센 것으로 보입니다. 4×8 가중치 행렬이 스칼라 32개가 아니라 1개로 세어집니다.
# on-hidden: name
def count_parameters(model, trainable_only=True):
    return len([p for p in model.parameters() if p.requires_grad or not trainable_only])
