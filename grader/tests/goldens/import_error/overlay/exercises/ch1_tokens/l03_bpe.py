"""Lesson 1.3 - a learner's file that imports a module that does not exist."""

from collections import Countr  # a typo: Counter


def count_pairs(ids):
    return dict(Countr(zip(ids, ids[1:])))
