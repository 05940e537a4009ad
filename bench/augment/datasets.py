"""The text-classification datasets of ../shared/data/text as (train texts, train labels, test
texts, test labels). SMS spam has no test split: a fixed stratified 20% (seed 0) is held out."""
import os

import numpy as np

NAMES = ("sst2", "trec6", "sms")


def _label_first(path):
    texts, labels = [], []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            label, _, text = line.strip().partition(" ")
            if text:
                texts.append(text)
                labels.append(int(label))
    return texts, np.asarray(labels)


def load(name, root):
    """(train_texts, train_y, test_texts, test_y); FileNotFoundError when absent."""
    if name == "sst2":
        train = _label_first(os.path.join(root, "sst2", "stsa.binary.train"))
        test = _label_first(os.path.join(root, "sst2", "stsa.binary.test"))
    elif name == "trec6":
        train = _label_first(os.path.join(root, "trec6", "TREC.train.all"))
        test = _label_first(os.path.join(root, "trec6", "TREC.test.all"))
    elif name == "sms":
        texts, labels = [], []
        with open(os.path.join(root, "sms_spam", "SMSSpamCollection"), encoding="utf-8", errors="replace") as handle:
            for line in handle:
                label, _, text = line.rstrip("\n").partition("\t")
                if text:
                    texts.append(text)
                    labels.append(int(label == "spam"))
        from sklearn.model_selection import train_test_split
        a, b, ya, yb = train_test_split(texts, np.asarray(labels), test_size=0.2, stratify=labels, random_state=0)
        train, test = (a, ya), (b, yb)
    else:
        raise ValueError(f"unknown dataset {name!r}: one of {', '.join(NAMES)}")
    return train[0], train[1], test[0], test[1]


def labelled_subset(y, per_class, seed):
    """Indices of `per_class` random examples of every class (all of a smaller class)."""
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        chosen.append(rng.choice(members, size=min(per_class, len(members)), replace=False))
    return np.sort(np.concatenate(chosen))
