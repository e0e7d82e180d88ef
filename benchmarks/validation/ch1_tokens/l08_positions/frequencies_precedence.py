"""_frequencies writes base ** -two_i / d_model without parentheses, which computes
(base ** -2i) / d instead of base ** (-2i / d): the exponent is not divided by d.

Basis: a well-known operator-precedence trap: ** binds tighter than /, so the formula
base^(-2i/d) needs parentheses around the exponent.
"""

EXPECT = ["parenthes", "precedence", "exponent"]


def _frequencies(d_model, base):
    two_i = np.arange(0, d_model, 2)
    return base**-two_i / d_model
