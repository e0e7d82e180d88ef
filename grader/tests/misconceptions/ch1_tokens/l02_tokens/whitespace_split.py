"""split_words is str.split(): punctuation stays glued to the word before it, so "sat." and
"sat" become two different vocabulary entries."""

EXPECT = "str.split()"


def split_words(text):
    return text.split()
